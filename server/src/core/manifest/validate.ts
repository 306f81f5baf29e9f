// Checks on untrusted manifest values (DESIGN.md §7): each returns an error message or undefined.
import { parseObjectUrl } from '../store/config';
import type { SourceType } from '../types';

export const QUICK_HASH = /^[0-9a-f]{16}$/;
export const FULL_HASH = /^[0-9a-f]{64}$/;
export const SOURCE_TYPES: readonly SourceType[] = ['civitai', 'huggingface', 'url', 's3'];

const CONTROL = /\p{Cc}/u;

/**
 * A path that must stay inside its root: relative, no `..` segment, no drive letter, UNC or leading
 * separator, no control characters. Backslashes count as separators (Windows users write them).
 */
export function unsafeRelativePath(p: string): string | undefined {
  if (!p.trim()) return 'path is empty';
  if (CONTROL.test(p)) return 'path contains control characters';
  if (/^[\\/]/.test(p)) return 'path must be relative, not absolute';
  if (/^[A-Za-z]:/.test(p)) return 'path must be relative, not start with a drive letter';
  if (p.split(/[\\/]/).some((segment) => segment === '..')) return "path must not contain '..'";
  if (p.startsWith('~')) return "path must not start with '~'";
  return undefined;
}

/** A single file or folder name: no separators, not `.`/`..`. */
export function unsafeName(name: string): string | undefined {
  if (!name.trim()) return 'name is empty';
  if (CONTROL.test(name)) return 'name contains control characters';
  if (/[\\/]/.test(name)) return 'name must not contain path separators';
  if (name === '.' || name === '..') return `'${name}' is not a name`;
  return undefined;
}

/**
 * Only http(s) URLs and team-store objects (`s3://bucket/prefix/sha256/<hex>`, fetched only through a
 * store configured for that bucket and prefix) are ever downloaded from.
 */
export function unsafeUrl(url: string): string | undefined {
  if (url.startsWith('s3://')) return parseObjectUrl(url) ? undefined : `'${url}' is not a team-store object URL s3://bucket/prefix/sha256/<64 hex>`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `'${url}' is not a URL`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `source URL must be http(s), not ${parsed.protocol}`;
  return undefined;
}

/** Source type of a URL-string source (comfygit stores no types): by host, as downloads do (DESIGN.md §10). */
export function sourceTypeOf(url: string): SourceType {
  if (url.startsWith('s3://')) return 's3';
  const host = new URL(url).hostname.toLowerCase();
  if (host === 'civitai.com' || host.endsWith('.civitai.com') || host === 'civitai.red') return 'civitai';
  if (host === 'huggingface.co' || host.endsWith('.huggingface.co') || host === 'hf.co') return 'huggingface';
  return 'url';
}
