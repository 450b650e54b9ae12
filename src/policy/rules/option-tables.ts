import { HELM_VALUE_FLAGS, KUBECTL_VALUE_FLAGS } from '../cluster-tools.js';

/**
 * The options of a few programs, as their own parsers read them. A table must list every long option of its
 * program (with `--help` and `--version`): an abbreviation is resolved against the names listed, and one that
 * met an option left out would be read as another.
 */
export type OptionTable = {
  /** Letters that take a value: the rest of their cluster, or the next word when last in it. */
  readonly values: string;
  /** Letters that take none. A letter in neither list is not known: its value is unsure. */
  readonly flags: string;
  readonly longValues: readonly string[];
  readonly longFlags: readonly string[];
  /**
   * How a long option may be shortened: `getopt` (GNU getopt_long: any prefix naming one option), `git` (git's
   * parse-options: the same, and each option also as its negation `--no-x`, or `--x` for one named `--no-x`,
   * which never takes a value), `exact` (written in full only).
   */
  readonly abbreviations: 'getopt' | 'git' | 'exact';
  /** Long options whose value is the command's first operand written another way (`git push --repo origin` is `git push origin`). */
  readonly firstOperand?: readonly string[];
};

const GREP: OptionTable = {
  values: 'efmABCDd',
  flags: 'EFGPiyvwxcLloqshHbnrRTUuVzZa0123456789',
  longValues: ['--regexp', '--file', '--max-count', '--after-context', '--before-context', '--context', '--devices', '--directories', '--binary-files', '--label', '--include', '--exclude', '--exclude-dir', '--exclude-from', '--group-separator'],
  longFlags: [
    '--ignore-case', '--no-ignore-case', '--invert-match', '--word-regexp', '--line-regexp', '--count', '--files-with-matches', '--files-without-match', '--only-matching',
    '--quiet', '--silent', '--no-messages', '--byte-offset', '--with-filename', '--no-filename', '--line-number', '--line-buffered', '--recursive', '--dereference-recursive',
    '--text', '--binary', '--unix-byte-offsets', '--null', '--null-data', '--extended-regexp', '--fixed-strings', '--basic-regexp', '--perl-regexp', '--color', '--colour',
    '--initial-tab', '--no-group-separator', '--help', '--version',
  ],
  abbreviations: 'getopt',
};

/**
 * kubectl and helm, as far as their value flags are known (cluster-tools.ts): each subcommand has options of its own,
 * so a letter or long name not listed stays unsure. Their parser (pflag) takes a long option written in full only.
 */
function valueFlagsTable(valueFlags: ReadonlySet<string>): OptionTable {
  const flags = [...valueFlags];
  return {
    values: flags.filter((flag) => /^-[A-Za-z0-9]$/.test(flag)).map((flag) => flag.slice(1)).join(''),
    flags: '',
    longValues: flags.filter((flag) => flag.startsWith('--')),
    longFlags: [],
    abbreviations: 'exact',
  };
}

/** Programs whose options are known, by the name they are run by. */
export const PROGRAM_OPTIONS: Readonly<Record<string, OptionTable>> = {
  ssh: { values: 'BbcDEeFIiJLlmOoPpQRSWw', flags: '46AaCfGgKkMNnqsTtVvXxYy', longValues: [], longFlags: [], abbreviations: 'exact' },
  touch: { values: 'drt', flags: 'acfhm', longValues: ['--date', '--reference', '--time'], longFlags: ['--no-create', '--no-dereference', '--help', '--version'], abbreviations: 'getopt' },
  tail: {
    values: 'cns',
    flags: 'fFqvz',
    longValues: ['--bytes', '--lines', '--sleep-interval', '--pid', '--max-unchanged-stats'],
    longFlags: ['--follow', '--retry', '--quiet', '--silent', '--verbose', '--zero-terminated', '--debug', '--help', '--version'],
    abbreviations: 'getopt',
  },
  head: { values: 'cn', flags: 'qvz', longValues: ['--bytes', '--lines'], longFlags: ['--quiet', '--silent', '--verbose', '--zero-terminated', '--help', '--version'], abbreviations: 'getopt' },
  grep: GREP,
  egrep: GREP,
  fgrep: GREP,
  kubectl: valueFlagsTable(KUBECTL_VALUE_FLAGS),
  helm: valueFlagsTable(HELM_VALUE_FLAGS),
};

/** git's own options, before its command: read by git itself, each written in full (`-C dir`, `--git-dir dir`). */
export const GIT_OPTIONS: OptionTable = {
  values: 'Cc',
  flags: 'hPpv',
  longValues: ['--git-dir', '--work-tree', '--namespace', '--super-prefix', '--config-env', '--shallow-file', '--attr-source'],
  longFlags: [
    '--help', '--version', '--exec-path', '--html-path', '--man-path', '--info-path', '--paginate', '--no-pager', '--no-replace-objects', '--no-lazy-fetch', '--bare',
    '--literal-pathspecs', '--no-literal-pathspecs', '--glob-pathspecs', '--noglob-pathspecs', '--icase-pathspecs', '--no-optional-locks', '--no-advice', '--list-cmds',
  ],
  abbreviations: 'exact',
};

/** The options of git's commands (`git push -o ci.skip`), by command. */
export const GIT_COMMAND_OPTIONS: Readonly<Record<string, OptionTable>> = {
  push: {
    values: 'o',
    flags: 'vqdnfuh46',
    longValues: ['--repo', '--recurse-submodules', '--receive-pack', '--exec', '--push-option'],
    longFlags: [
      '--verbose', '--quiet', '--all', '--branches', '--mirror', '--delete', '--tags', '--dry-run', '--porcelain', '--force', '--force-with-lease', '--force-if-includes',
      '--thin', '--progress', '--prune', '--no-verify', '--follow-tags', '--signed', '--atomic', '--set-upstream', '--ipv4', '--ipv6', '--help', '--help-all',
    ],
    abbreviations: 'git',
    // git takes a repository operand written after it over --repo's value: a rule about the repository meets both readings.
    firstOperand: ['--repo'],
  },
};
