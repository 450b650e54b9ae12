import { shellCommands } from '../shell-commands.js';
import type { ShellParser } from '../shell-syntax.js';

/**
 * Programs that never run text they are given as code: what follows `;` in their quoted words is text. Any other
 * program may (`sh`, `ssh`, `awk`'s system(), `git rebase -x`, `docker exec c sh -c …`), so is not listed.
 */
const TEXT_ONLY = new Set(['echo', 'printf', 'grep', 'egrep', 'fgrep', 'rg', 'cat', 'true', 'false', 'test', '[', 'mkdir', 'touch', 'ls', 'wc', 'head', 'tail', 'sort', 'uniq', 'cut', 'tr', 'basename', 'dirname', 'date', 'sleep', 'cd', 'export', 'local', 'declare', 'readonly', 'logger', 'rm', 'chmod', 'chown']);

/**
 * Whether no text inside a shell line's quotes can run as commands, so deny and ask rules match the commands the
 * parser finds, not the line split at a quoted `;`, `&&` or `|` (`echo 'cleanup; rm -rf /tmp/x'` only prints): the
 * line parses, holds no here-document, here-string or output redirection, and every command it runs is one of TEXT_ONLY.
 */
export async function quotedTextInert(command: string, parse: ShellParser): Promise<boolean> {
  // `echo 'a; rm -rf /x' > d.sh`: text written to a file may run later as code.
  if (/<<|>/.test(command.replace(/[0-9&]?>>?\s*\/dev\/null\b|[0-9]?>&[0-9-]/g, ''))) return false;
  const commands = await shellCommands(command, parse);
  return commands.length > 0 && commands.every(({ name }) => TEXT_ONLY.has(name));
}
