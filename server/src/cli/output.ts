// Terminal safety for everything the CLI prints: workflow values, file names and error messages are
// untrusted (a shared workflow can hold escape sequences that retitle or clear a terminal, or a carriage
// return that overprints a CI log line with a fake "all resolved"). Control characters are shown as
// visible escapes instead; line feeds and tabs are layout and stay. JSON output is unaffected (JSON.stringify
// already escapes every control character).

// C0 controls except tab and line feed, DEL, and C1 controls (0x9b is a one-byte CSI on some terminals).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}
