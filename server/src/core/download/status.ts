// HTTP answers that are not the file, turned into errors a user can act on (DESIGN.md §10).
import type { IncomingHttpHeaders } from 'node:http';
import { DownloadError } from './errors';
import { providerLabel, scrubUrl, tokenHint, type ProviderKind } from './hosts';

export function statusError(status: number, headers: IncomingHttpHeaders, url: string, kind: ProviderKind | undefined, authorized: boolean): DownloadError {
  const where = scrubUrl(url);
  const hubCode = String(headers['x-error-code'] ?? '');
  const hubMessage = headers['x-error-message'] ? ` (${String(headers['x-error-message'])})` : '';
  if (status === 401 || status === 403) {
    const why = authorized
      ? `${providerLabel(kind)} refused the token that was sent (${status}${hubCode ? ` ${hubCode}` : ''})${hubMessage}: check it is valid and has access (early access or a gated repository needs the owner's permission)`
      : `${providerLabel(kind)} requires sign-in for ${where} (${status}${hubCode ? ` ${hubCode}` : ''})${hubMessage}`;
    return new DownloadError('auth-required', `${why}; ${tokenHint(kind)}`);
  }
  if (status === 404 || status === 410) return new DownloadError('not-found', `not found (${status}${hubCode ? ` ${hubCode}` : ''}): ${where}${hubMessage}`);
  if (status === 429) return new DownloadError('server', `${providerLabel(kind)} is rate limiting requests (429): ${where}`, true, 429);
  if (status >= 500) return new DownloadError('server', `server error ${status} from ${new URL(url).host}`, true);
  return new DownloadError('server', `unexpected answer ${status} from ${where}${hubMessage}`);
}

/** An HTML page where a model file was expected: a sign-in wall, an early-access page or a blob page. */
export function htmlError(url: string, kind: ProviderKind | undefined): DownloadError {
  return new DownloadError(
    'html-instead-of-file',
    `${providerLabel(kind)} answered with a web page instead of the file (${scrubUrl(url)}): sign-in or early access required; ${tokenHint(kind)}`,
  );
}

export function isHtml(headers: IncomingHttpHeaders): boolean {
  return /^\s*(text\/html|application\/xhtml)/i.test(String(headers['content-type'] ?? ''));
}
