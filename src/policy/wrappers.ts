import { literalWord, type ShellWord } from './shell-syntax.js';
import { switchedUser } from './switch-user.js';

/**
 * Programs that run another command given as their arguments (`sudo rm x`, `xargs rm`,
 * `env X=1 rm`, `timeout 5 rm`). `unwrap` returns the inner command's words, or
 * `undefined` when the wrapper runs nothing else (`sudo -l`, a bare `env`).
 */
interface Wrapper {
  /** Flags that take the next word as their value. */
  readonly valueFlags?: readonly string[];
  /** Leading words that are not flags but still belong to the wrapper (`timeout 5`, `chroot /srv`). */
  readonly operands?: number;
  /** `env NAME=value cmd`: assignments before the command. */
  readonly assignments?: boolean;
  /** Flags after which the rest is not a command (`command -v x` looks a name up). */
  readonly queryFlags?: readonly string[];
}

/**
 * `NAME=value` handed to a command's environment by `env` or `sudo`; `BASH_FUNC_ls%%=() { …; }` too, a function the
 * bash it starts imports, named with more than a variable's characters.
 */
export const ENVIRONMENT_ASSIGNMENT = /^(BASH_FUNC_[^=]*|[A-Za-z_][A-Za-z0-9_]*)=/;

const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  sudo: { valueFlags: ['-u', '--user', '-g', '--group', '-C', '--close-from', '-h', '--host', '-p', '--prompt', '-D', '--chdir', '-r', '--role', '-t', '--type', '-T', '--command-timeout', '-U', '--other-user', '-R', '--chroot'], queryFlags: ['-l', '--list', '-v', '--validate', '-k', '-K', '-V', '--version'] },
  doas: { valueFlags: ['-u', '-C'] },
  env: { valueFlags: ['-u', '--unset', '-C', '--chdir', '-P', '--split-string-path'], assignments: true },
  nohup: {},
  time: { valueFlags: ['-f', '--format', '-o', '--output'] },
  nice: { valueFlags: ['-n', '--adjustment'] },
  ionice: { valueFlags: ['-c', '--class', '-n', '--classdata', '-p', '--pid', '-P', '--pgid', '-u', '--uid'] },
  timeout: { valueFlags: ['-s', '--signal', '-k', '--kill-after'], operands: 1 },
  stdbuf: { valueFlags: ['-i', '--input', '-o', '--output', '-e', '--error'] },
  setsid: {},
  unbuffer: {},
  caffeinate: {},
  chroot: { valueFlags: ['--userspec', '--groups'], operands: 1 },
  exec: { valueFlags: ['-a'] },
  command: { queryFlags: ['-v', '-V'] },
  builtin: {},
  // GNU's -i, -l and -e take their value only attached (-i{}, -l1); -J, -R and -S are BSD's.
  xargs: { valueFlags: ['-a', '--arg-file', '-d', '--delimiter', '-E', '-I', '-J', '-L', '-n', '--max-args', '-P', '--max-procs', '-R', '-s', '-S', '--max-chars', '--process-slot-var'] },
  // -d/--differences takes its value only attached (--differences=permanent).
  watch: { valueFlags: ['-n', '--interval', '-q', '--equexit'] },
  flock: { valueFlags: ['-w', '--timeout', '-E', '--conflict-exit-code'], operands: 1 },
  // `script -qc CMD FILE`: runs CMD with its output logged to FILE (util-linux).
  script: { valueFlags: ['-E', '--echo', '-I', '--log-in', '-O', '--log-out', '-B', '--log-io', '-T', '--log-timing', '-m', '--logging-format', '-o', '--output-limit'] },
  strace: { valueFlags: ['-o', '-e', '-p', '-s', '-u', '-E', '-O', '-S', '-a', '-b', '-I', '-P', '-X'] },
  ltrace: { valueFlags: ['-o', '-e', '-p', '-s', '-u', '-n', '-a', '-A', '-D', '-F', '-l', '-w', '-x'] },
  busybox: {},
  chrt: { operands: 1 },
  taskset: { operands: 1 },
  numactl: {},
  parallel: { valueFlags: ['-j', '--jobs', '-S', '--sshlogin', '--joblog', '-a', '--arg-file', '-d', '--delimiter', '--timeout', '--delay'] },
  // Read by switchedUser: options anywhere, a user before the command or the code.
  runuser: {},
  su: {},
  // `nsenter -t 1 -m -u -n -i sh -c …`: a command in another process's namespaces (from a privileged container, the host's).
  nsenter: { valueFlags: ['-t', '--target', '-S', '--setuid', '-G', '--setgid', '-r', '--root', '-w', '--wd', '--env'] },
  unshare: { valueFlags: ['--propagation', '--setgroups', '--map-user', '--map-group', '--map-users', '--map-groups', '-R', '--root', '-w', '--wd', '-S', '--setuid', '-G', '--setgid'] },
};

export function isWrapper(name: string): boolean {
  return Object.hasOwn(WRAPPERS, name);
}

export type Unwrapped =
  /** `codes`: code the command may hand a shell (`su $OPTS root -c CODE`, options not read), for deny rules to meet. */
  | { readonly kind: 'command'; readonly words: readonly ShellWord[]; readonly codes?: readonly ShellWord[] }
  /** Runs nothing else (`env`, `xargs` with no command); `sudo`/`su` then start a shell. */
  | { readonly kind: 'none' }
  /** Only asks something (`sudo -l`, `command -v rm`). */
  | { readonly kind: 'query' }
  | { readonly kind: 'script'; readonly code: ShellWord };

/** The command a wrapper runs (the words after its own flags and operands). */
export function unwrap(name: string, args: readonly ShellWord[]): Unwrapped {
  if (name === 'su' || name === 'runuser') return switchedUser(name, args);
  const wrapper = WRAPPERS[name]!;
  let operands = wrapper.operands ?? 0;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    const text = word.literal;
    if (text === undefined) return { kind: 'command', words: args.slice(i) };
    if (text === '--') {
      // `watch -n 1 -- 'rm -rf data'`: after `--` too, watch hands its words to `sh -c`.
      const after = args.slice(i + 1 + operands);
      return name === 'watch' && after.length > 0 ? watchCommand(args.slice(0, i), after) : rest(after);
    }
    if (wrapper.queryFlags?.includes(text)) return { kind: 'query' };
    if (name === 'env') {
      // -S STRING, --split-string STRING, --split-string=STRING, -SSTRING, and -S after flags that take no value (-iS).
      const attached = /^--split-string=([\s\S]*)$/.exec(text)?.[1] ?? /^-[0iv]*S([\s\S]+)$/.exec(text)?.[1];
      if (attached !== undefined) return { kind: 'command', words: [...splitWords(literalWord(attached)), ...args.slice(i + 1)] };
      if (text === '--split-string' || /^-[0iv]*S$/.test(text)) {
        const split = args[i + 1];
        return split === undefined ? { kind: 'none' } : { kind: 'command', words: [...splitWords(split), ...args.slice(i + 2)] };
      }
    }
    if (name === 'flock' || name === 'script') {
      const attached = /^--command=([\s\S]*)$/.exec(text)?.[1];
      if (attached !== undefined) return { kind: 'script', code: literalWord(attached) };
      // -c, or last in a cluster of flags (`su -lc`, `script -qc`).
      if (/^-[a-z]*c$/.test(text) || text === '--command') {
        const code = args[i + 1];
        return code === undefined ? { kind: 'none' } : { kind: 'script', code };
      }
    }
    if (text.startsWith('-') && text !== '-') {
      if (!text.includes('=') && (wrapper.valueFlags?.includes(text) || takesNextWord(text, wrapper))) i++;
      continue;
    }
    if (wrapper.assignments && ENVIRONMENT_ASSIGNMENT.test(text)) continue;
    if (operands > 0) {
      operands--;
      continue;
    }
    return name === 'watch' ? watchCommand(args.slice(0, i), args.slice(i)) : { kind: 'command', words: args.slice(i) };
  }
  return { kind: 'none' };
}

/**
 * `watch -dn 2 …`, `sudo -Eu deploy …`: in a group of short flags, one that takes a value takes the rest of the
 * group (`-n2`), or, last in it, the next word.
 */
function takesNextWord(text: string, wrapper: Wrapper): boolean {
  if (!/^-[A-Za-z0-9]{2,}$/.test(text)) return false;
  const takes = (letter: string) => wrapper.valueFlags?.includes(`-${letter}`) ?? false;
  const first = [...text.slice(1)].findIndex(takes);
  return first === text.length - 2;
}

/**
 * `watch -n 1 'kubectl delete pod web'`: watch joins its words with spaces and hands them to `sh -c`,
 * unless -x/--exec runs them as they are.
 */
function watchCommand(flags: readonly ShellWord[], words: readonly ShellWord[]): Unwrapped {
  const exec = flags.some((flag) => flag.literal === '--exec' || /^-[a-wyz]*x/.test(flag.literal ?? ''));
  if (exec || words.some((word) => word.literal === undefined)) return { kind: 'command', words };
  return { kind: 'script', code: literalWord(words.map((word) => word.literal).join(' ')) };
}

function rest(words: readonly ShellWord[]): Unwrapped {
  return words.length === 0 ? { kind: 'none' } : { kind: 'command', words };
}

/** `env -S "rm -rf x"`: a string split on blanks (its quoting rules are simpler than the shell's). */
function splitWords(word: ShellWord): ShellWord[] {
  if (word.literal === undefined) return [word];
  return word.literal.split(/\s+/).filter(Boolean).map(literalWord);
}
