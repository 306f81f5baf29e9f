// Small text helpers shared by messages, hovers and lenses (formatSize, shared with the client, is in protocol/).

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
