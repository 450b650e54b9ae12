import { behindWrappers } from './behind-wrappers.js';
import { UNREVIEWED_SOURCES, type Stdin } from './command-context.js';
import { splitLongOption } from './long-option.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';
import { unzipExtraction, unzipLooksOnly } from './unzip-command.js';

/** The current folder, as a folder entry of the downloaded files (`isDownloaded`). */
export const CURRENT_FOLDER = './';

/**
 * The folders an extractor unpacks an archive the line downloads into (`curl -o i.tgz … && tar xzf i.tgz`,
 * `curl … | tar xz -C /opt`, `unzip i.zip -d tool`), each ending in `/` (`./` for the current folder):
 * a script taken out of such an archive is code nobody reviewed, as the archive is.
 */
export function unpackedFolders(written: readonly ShellWord[], stdin: Stdin, downloads: ReadonlySet<string>, unzipOptionsGiven = false): string[] {
  // `sudo tar xzf i.tgz`, `timeout 60 tar …`: a wrapper unpacks as the tar it runs.
  const words = behindWrappers(written);
  const name = words[0]?.literal === undefined ? undefined : programName(words[0].literal);
  const args = words.slice(1).map((word) => word.literal);
  const piped = stdin.kind === 'pipe' && stdin.programs.some((program) => UNREVIEWED_SOURCES.has(program));
  const fetched = (archive: string | undefined) => (archive === undefined || archive === '-' ? piped : downloads.has(samePath(archive)));
  if (name === 'tar' || name === 'bsdtar') {
    const read = tarExtraction(args);
    return read !== undefined && fetched(read.archive) ? [folder(read.folder)] : [];
  }
  // `unzip -oq a.zip`, `unzip -qod dir a.zip`: options come in groups of any order; `unzip -l`, `-t` unpack nothing,
  // unless UNZIP or UNZIPOPT brings other options (`UNZIP=--` cancels those written).
  if (name === 'unzip') {
    const read = unzipExtraction(args);
    return read.archive !== undefined && (unzipOptionsGiven || !unzipLooksOnly(args)) && fetched(read.archive) ? [folder(read.folder)] : [];
  }
  if (name === 'unzip' || name === '7z' || name === '7za') {
    const operands = args.filter((arg) => arg === undefined || !arg.startsWith('-'));
    const archive = name.startsWith('7z') ? operands[1] : operands[0];
    const into = args.findIndex((arg) => arg === '-d' || arg?.startsWith('-o'));
    const target = into === -1 ? undefined : args[into] === '-d' ? args[into + 1] : args[into]!.slice(2);
    return archive !== undefined && fetched(archive) ? [folder(target)] : [];
  }
  return [];
}

/** tar's short options with a value, in the order their values follow an old-style cluster (`xzf i.tgz`). */
const TAR_VALUE_SHORT = 'bCfFgHIKLNTVX';

/** What an extracting tar reads (`-f`, absent for its input) and where it writes (`-C`); undefined when it does not extract. */
function tarExtraction(args: readonly (string | undefined)[]): { archive?: string; folder?: string } | undefined {
  let extracts = false;
  const values: Record<string, string | undefined> = {};
  const pending: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || arg === '--') {
      pending.shift();
      continue;
    }
    if (arg.startsWith('--')) {
      const { name, value } = splitLongOption(arg);
      if (name === '--extract' || name === '--get') extracts = true;
      if (name === '--file' || name === '--directory') values[name === '--file' ? 'f' : 'C'] = value ?? args[++i];
      continue;
    }
    const cluster = arg.startsWith('-') ? arg.slice(1) : i === 0 && /^[A-Za-z]+$/.test(arg) ? arg : undefined;
    if (cluster === undefined) {
      const letter = pending.shift();
      if (letter !== undefined) values[letter] = arg;
      continue;
    }
    for (let at = 0; at < cluster.length; at++) {
      const letter = cluster[at]!;
      if (letter === 'x') extracts = true;
      if (!TAR_VALUE_SHORT.includes(letter)) continue;
      if (!arg.startsWith('-')) pending.push(letter);
      else {
        values[letter] = at + 1 < cluster.length ? cluster.slice(at + 1) : args[++i];
        break;
      }
    }
  }
  return extracts ? { archive: values.f, folder: values.C } : undefined;
}

function folder(path: string | undefined): string {
  const plain = path === undefined ? '' : samePath(path).replace(/\/+$/, '');
  return plain === '' || plain === '.' ? CURRENT_FOLDER : `${plain}/`;
}

/** One spelling of a path: `./i.sh` and `i.sh`, `/tmp//i.sh` and `/tmp/i.sh`. */
export function samePath(file: string): string {
  return file.replace(/\/{2,}/g, '/').replace(/^(\.\/)+/, '');
}

/** Whether the line downloads `file`, or unpacks it from an archive it downloads (a folder entry holds it). */
export function isDownloaded(file: string, downloads: ReadonlySet<string> | undefined): boolean {
  if (downloads === undefined) return false;
  const path = samePath(file);
  if (downloads.has(path)) return true;
  for (const entry of downloads) {
    if (!entry.endsWith('/')) continue;
    if (entry === CURRENT_FOLDER ? !path.startsWith('/') : path.startsWith(entry)) return true;
  }
  return false;
}
