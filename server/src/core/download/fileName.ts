// The name a downloaded file gets (DESIGN.md §10): provider metadata, else Content-Disposition, else the
// URL path; always reduced to a safe base name so no server can write outside the target folder.

/**
 * A safe base name, or undefined when nothing usable is left. Takes the last segment of either separator
 * (so `../../x` and `/etc/x` and `C:\x` become `x`), drops control characters, and refuses `.`/`..`.
 */
export function sanitizeFileName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  // `:` too: a drive letter or an NTFS stream name on Windows.
  const base = raw.split(/[\\/:]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (!clean || /^\.+$/.test(clean) || clean.length > 255) return undefined;
  return clean;
}

/** The file name of a Content-Disposition header; `filename*=UTF-8''…` (RFC 5987) wins over `filename=`. */
export function contentDispositionName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim().replace(/^"|"$/g, ''));
    } catch {
      // a broken percent-encoding: fall back to the plain parameter
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  // Only \" and \\ are unescaped: servers write Windows paths with bare backslashes.
  if (quoted) return quoted[1].replace(/\\(["\\])/g, '$1');
  const plain = /filename\s*=\s*([^;]+)/i.exec(header);
  return plain?.[1].trim();
}

/** The last path segment of a URL, percent-decoded. */
export function urlPathName(url: string): string | undefined {
  try {
    const segment = new URL(url).pathname.split('/').filter(Boolean).pop();
    return segment ? decodeURIComponent(segment) : undefined;
  } catch {
    return undefined;
  }
}
