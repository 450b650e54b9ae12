/**
 * A package manager's command line read as the tool reads it. npm takes `--key value` for every setting that is
 * not a flag (`npm --cache /tmp/c run clean`, `npm -w web run build`), so which word is the command depends on
 * which options take a value; for the options not known to be flags both readings are kept.
 */

/** One way of reading the words: the folder whose package.json runs, and the words that are not options or their values. */
export interface PackageReading {
  readonly folder: string;
  readonly operands: readonly (string | undefined)[];
}

/**
 * Flags, which take no value: npm's (and their short spellings), and the common ones of pnpm, yarn and bun. Any
 * other option may take the next word. `-w` is not here: npm's `-w a` names a workspace (pnpm's `-w` is a flag).
 */
const FLAGS = new Set([
  'all', 'allow-same-version', 'audit', 'bin-links', 'commit-hooks', 'description', 'dev', 'diff-ignore-all-space', 'diff-name-only', 'diff-no-prefix', 'diff-text',
  'dry-run', 'engine-strict', 'force', 'foreground-scripts', 'format-package-lock', 'fund', 'git-tag-version', 'global', 'global-style', 'if-present',
  'ignore-scripts', 'include-staged', 'include-workspace-root', 'install-links', 'json', 'legacy-bundling', 'legacy-peer-deps', 'link', 'long', 'offline',
  'package-lock', 'package-lock-only', 'parseable', 'prefer-dedupe', 'prefer-offline', 'prefer-online', 'production', 'progress', 'provenance', 'read-only',
  'rebuild-bundle', 'save', 'save-bundle', 'save-dev', 'save-exact', 'save-optional', 'save-peer', 'save-prod', 'sign-git-commit', 'sign-git-tag',
  'strict-peer-deps', 'strict-ssl', 'timing', 'unicode', 'update-notifier', 'usage', 'version', 'versions', 'workspaces', 'workspaces-update', 'yes',
  // npm's spellings of other settings that take no value of their own (`--silent` is `--loglevel silent`).
  'silent', 'quiet', 'verbose', 'desc', 'help', 'local', 'porcelain', 'readonly', 'ws', 'iwr',
  // pnpm's, yarn's and bun's.
  'recursive', 'parallel', 'stream', 'aggregate-output', 'frozen-lockfile', 'pure-lockfile', 'prod', 'ignore-workspace-root-check', 'bun',
]);
/** npm's one-letter flags, alone or run together (`-g`, `-gf`, `-ddd`); pnpm's `-r`. */
const SHORT_FLAGS = /^-[aBDdEfgHhlOnPpqSsvyr?]+$/;
/** The options naming the folder whose package.json runs: they always take a value. */
const FOLDER = /^(?:--(?:prefix|dir|cwd)|-C)$/;
/** More ways of reading a line than this: an unusual line, read as running a script not known. */
const MAX_READINGS = 64;

/**
 * Each way of reading a package manager's words (`args`: after the program; undefined: known only at run time),
 * the first taking every option but the folder's as a flag.
 */
export function packageReadings(args: readonly (string | undefined)[]): readonly PackageReading[] {
  const readings: PackageReading[] = [];
  const read = (at: number, folder: string, operands: readonly (string | undefined)[], ended: boolean): void => {
    if (readings.length >= MAX_READINGS) return;
    for (let i = at; i < args.length; i++) {
      const arg = args[i];
      if (arg === undefined || !arg.startsWith('-')) {
        operands = [...operands, arg];
        continue;
      }
      if (arg === '--') ended = true;
      const long = /^--(?:prefix|dir|cwd)=(.*)$/.exec(arg);
      if (long) folder = `${long[1]}/`;
      else if (FOLDER.test(arg)) folder = `${args[++i] ?? ''}/`;
      // After `--` the words are the script's: read as taking the next word, and (going on) as a flag.
      else if (!ended && takesValue(arg, args[i + 1])) read(i + 2, folder, operands, ended);
    }
    readings.push({ folder, operands });
  };
  read(0, '', [], false);
  // The first call ends last: its reading takes every option as a flag.
  const flags = readings.pop()!;
  // Too many options that may take a value: the line may run any script.
  return [flags, ...(readings.length >= MAX_READINGS ? [{ folder: flags.folder, operands: ['run', undefined] }] : readings)];
}

/** Whether an option may take `next` as its value: not a flag, nor given its value with `=`, and followed by a word that is not an option. */
function takesValue(option: string, next: string | undefined): boolean {
  if (next !== undefined && next.startsWith('-')) return false;
  if (option.includes('=') || SHORT_FLAGS.test(option) || option.startsWith('--no-')) return false;
  return !FLAGS.has(option.replace(/^--?/, ''));
}
