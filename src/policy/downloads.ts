import { samePath } from './archives.js';
import { behindWrappers } from './behind-wrappers.js';
import { UNREVIEWED_SOURCES, type Stdin } from './command-context.js';
import { programName } from './program-name.js';
import { savedFile } from './program-rules.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * The files a command writes with what it fetched or decoded: `curl -o i.sh URL`, `curl -O URL/i.sh`,
 * `wget URL/i.sh`, `curl URL > i.sh`, `curl URL | tee i.sh`, `base64 -d x > i.sh`. Running one of them
 * later in the line runs code nobody reviewed, as `curl URL | sh` does.
 */
export function downloadedFiles(written: readonly ShellWord[], stdin: Stdin, redirected: readonly string[]): string[] {
  // `sudo curl -o i.sh …`, `curl … | sudo tee i.sh`: a wrapper saves as the program it runs.
  const words = behindWrappers(written);
  const name = words[0]?.literal === undefined ? undefined : programName(words[0].literal);
  const args = words.slice(1).map((word) => word.literal);
  const fetched = (name !== undefined && UNREVIEWED_SOURCES.has(name)) || (stdin.kind === 'pipe' && stdin.programs.some((program) => UNREVIEWED_SOURCES.has(program)));
  if (!fetched) return [];
  const files = [...redirected];
  if (name === 'curl' || name === 'wget') {
    const saved = savedFile(name, args);
    if (saved !== undefined) files.push(saved);
    // `curl -O URL` and `wget URL` save under the URL's last name.
    else if (name === 'wget' || args.some((arg) => arg !== undefined && (/^-[A-Za-z]*O$/.test(arg) || arg === '--remote-name' || arg === '--remote-name-all'))) {
      for (const arg of args) if (arg !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) files.push(arg.replace(/[?#].*$/, '').replace(/^.*\//, ''));
    }
  }
  if (name === 'tee') files.push(...args.filter((arg): arg is string => arg !== undefined && !arg.startsWith('-')));
  return files.filter((file) => file !== '' && file !== '-').map(samePath);
}
