// What a crashing program ends its stderr with, and says nothing: Node's
// version banner, stack frames, the caret under a source line, npm's log hint.
const NOISE = [/^Node\.js v\d/, /^at\s/, /^\^+$/, /^npm (ERR!|error) A complete log/i, /^npm (ERR!|error)\s*$/i, /^\s*$/];
const SAYS_ERROR = /(error|exception|fatal|panic)\b/i;
const MAX_CHARS = 200;

/**
 * The line of a server's stderr tail that says why it stopped: the last line
 * that reads like an error, skipping the noise a runtime prints after it
 * (Node's `Node.js v24.1.0`, stack frames) and the source line shown above a
 * caret; else the last line that is not noise.
 */
export function stderrReason(text: string): string | undefined {
  const lines = text.split('\n').map((line) => line.trim());
  const telling: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (NOISE.some((pattern) => pattern.test(line))) continue;
    // Node shows the throwing source line with a caret under it: code, not a message.
    if (/^\^+$/.test(lines[i + 1] ?? '')) continue;
    telling.push(line);
  }
  const line = telling.findLast((candidate) => SAYS_ERROR.test(candidate)) ?? telling.at(-1);
  if (line === undefined) return undefined;
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
}
