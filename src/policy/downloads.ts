import { CURRENT_FOLDER, samePath } from './archives.js';
import { fetchedCopies } from './fetched-copies.js';
import { behindWrappers } from './behind-wrappers.js';
import { UNREVIEWED_SOURCES, type Stdin } from './command-context.js';
import { pathSpelling } from './path-spelling.js';
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
  // `git clone URL "$D"` brings `$D/`, `curl -o "$PWD/i.sh"` saves i.sh (pathSpelling).
  const args = words.slice(1).map(pathSpelling);
  const copies = name === undefined ? [] : fetchedCopies(name, args);
  if (copies.length > 0) return copies.map(entry);
  const fetched = (name !== undefined && UNREVIEWED_SOURCES.has(name)) || (stdin.kind === 'pipe' && stdin.programs.some((program) => UNREVIEWED_SOURCES.has(program)));
  if (!fetched) return [];
  const files = [...redirected];
  if (name === 'curl' || name === 'wget') {
    // `wget -P tools URL`, `curl --output-dir tools -O URL`: the names are in that folder (the bare names still count).
    const into = saveFolder(name, args);
    const named: string[] = [];
    const saved = savedFile(name, args);
    if (saved !== undefined) named.push(saved);
    // `curl -O URL` and `wget URL` save under the URL's last name.
    else if (name === 'wget' || args.some((arg) => arg !== undefined && (/^-[A-Za-z]*O$/.test(arg) || arg === '--remote-name' || arg === '--remote-name-all'))) {
      for (const arg of args) if (arg !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) named.push(arg.replace(/[?#].*$/, '').replace(/^.*\//, ''));
    }
    files.push(...named);
    if (into !== undefined && (name === 'curl' || saved === undefined)) files.push(...named.filter((file) => !file.startsWith('/')).map((file) => `${into}/${file}`));
    // `wget -r URL`: a whole tree, under the folder (or the current one).
    if (name === 'wget' && args.some((arg) => arg !== undefined && (/^-[qvdcSNrpkKmEHLxF46]*[rmx]/.test(arg) || /^--(recursive|mirror|force-directories)$/.test(arg)))) files.push(entry(`${into ?? '.'}/`));
  }
  if (name === 'tee') files.push(...args.filter((arg): arg is string => arg !== undefined && !arg.startsWith('-')));
  return files.filter((file) => file !== '' && file !== '-').map(entry);
}

/** A file as samePath spells it; a folder (ending in `/`) kept one, the current one as CURRENT_FOLDER. */
function entry(path: string): string {
  if (!path.endsWith('/')) return samePath(path);
  const plain = samePath(path).replace(/\/+$/, '');
  return plain === '' || plain === '.' ? CURRENT_FOLDER : `${plain}/`;
}

/** wget's `-P`/`--directory-prefix`, curl's `--output-dir`: the folder the saved files go to. */
function saveFolder(name: 'curl' | 'wget', args: readonly (string | undefined)[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    const long = name === 'wget' ? /^--directory-prefix(?:=(.*))?$/.exec(arg) : /^--output-dir(?:=(.*))?$/.exec(arg);
    if (long) return long[1] ?? args[i + 1];
    const short = name === 'wget' ? /^-[qvdcSNrpkKmEHLxF46]*P(.*)$/.exec(arg) : null;
    if (short) return short[1] || args[i + 1];
  }
  return undefined;
}
