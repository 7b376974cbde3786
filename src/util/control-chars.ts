/**
 * Text a server sent (a Redis error, a NATS greeting, nvidia-smi's output, a health document) may hold
 * terminal control sequences: ESC [2J clears the screen, ESC ]0; retitles the window, a C1 CSI does the
 * same in one byte. Every such character is shown, not obeyed: `\x1b`, as `cat -v` would. Tabs and
 * newlines stay (they lay text out, and a report's notes use them).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function showControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
