// What must never leave this machine in a shared manifest: URLs carrying credentials (user:password@,
// or a query parameter that is a token, key or signature — CivitAI `?token=`, signed links).
const SECRET_PARAMETER = /^(token|api[_-]?key|key|access[_-]?token|auth|authorization|sig|signature|secret|password|x-amz-signature|x-amz-credential)$/i;

export function urlCarriesSecret(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.username || parsed.password) return true;
  return [...parsed.searchParams.keys()].some((k) => SECRET_PARAMETER.test(k));
}
