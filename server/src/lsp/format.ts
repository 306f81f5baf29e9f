// Small text helpers shared by messages, hovers and lenses.

export function formatSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** `https://huggingface.co/x/y/resolve/…` → `huggingface.co`. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/** A JSON string body (no quotes) holding `value`. */
export function jsonStringBody(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}
