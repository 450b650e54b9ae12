/**
 * Files and folders (ending in `/`) that a copy from another machine brings, as the command names them: `scp host:i.sh .`,
 * `rsync -a host:app/ app/`, `aws s3 cp s3://b/i.sh i.sh`, `gsutil cp gs://b/i.sh .`, `kubectl cp pod:/i.sh i.sh`,
 * `git clone URL app`. What they hold is code nobody reviewed, as a download's is. A target that may be a folder
 * counts both ways (`scp host:i.sh tools` writes tools, or tools/i.sh).
 */
export function fetchedCopies(name: string, args: readonly (string | undefined)[]): string[] {
  if (name === 'scp' || name === 'rsync') return remoteCopy(name, args);
  if (name === 'aws' || name === 'gsutil' || name === 'gcloud') return bucketCopy(args);
  if (name === 'kubectl' || name === 'oc') return podCopy(args);
  if (name === 'git') return gitClone(args);
  if (name === 'gh' && args[0] === 'repo' && args[1] === 'clone') return cloneInto(operands(args.slice(2), new Set()), '');
  return [];
}

/** Short options of scp and rsync that take the next word (or the rest of their group). */
const VALUE_FLAGS: Readonly<Record<string, string>> = { scp: 'cFiJloPSDX', rsync: 'eBfTM' };
/** `host:path`, `user@host:path`, `scp://host/path`, `rsync://host/path`: a file of another machine. */
const REMOTE = /^(?:[a-z]+:\/\/|[^/:]+:)/i;

function remoteCopy(name: string, args: readonly (string | undefined)[]): string[] {
  const words: (string | undefined)[] = [];
  let recursive = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    if (arg.startsWith('--')) {
      if (/^--(recursive|archive|mirror)$/.test(arg)) recursive = true;
      if (/^--(rsh|filter|exclude|include|rsync-path|temp-dir|block-size|remote-option|password-file|exclude-from|include-from|files-from|chmod|chown|compare-dest|copy-dest|link-dest|partial-dir|backup-dir|suffix|log-file|out-format|port|timeout|bwlimit)$/.test(arg)) i++;
      continue;
    }
    for (let at = 1; at < arg.length; at++) {
      if (arg[at] === 'r' || (name === 'rsync' && arg[at] === 'a')) recursive = true;
      if (!VALUE_FLAGS[name]!.includes(arg[at]!)) continue;
      if (at === arg.length - 1) i++;
      break;
    }
  }
  const target = words.at(-1);
  const sources = words.slice(0, -1).filter((word): word is string => word !== undefined && REMOTE.test(word));
  if (target === undefined || REMOTE.test(target) || sources.length === 0) return [];
  return sources.flatMap((source) => landed(source, target, sources.length === 1, recursive));
}

/** Where a copy of `source` lands given `target`: in it, or as it when it is no folder yet. */
function landed(source: string, target: string, alone: boolean, recursive: boolean): string[] {
  const folder = /\/$|^\.{1,2}$/.test(target);
  const base = source.replace(/\/+$/, '').replace(/^.*[/:]/, '');
  // `rsync -a host:app/ dest`: a source ending in / copies what the folder holds.
  const contents = recursive && source.endsWith('/');
  if (contents) return [`${target}/`];
  // A recursive copy of one file (`rsync -a host:i.sh .`) is that file.
  const found = recursive ? [`${target}/${base}`, `${target}/${base}/`] : [`${target}/${base}`];
  if (!folder && alone) found.push(...(recursive ? [target, `${target}/`] : [target]));
  return found;
}

/** `aws s3 cp s3://b/i.sh i.sh`, `gsutil -m cp -r gs://b/app .`, `gcloud storage cp gs://b/i.sh .`, `aws s3 sync s3://b/app app`. */
function bucketCopy(args: readonly (string | undefined)[]): string[] {
  if (!args.some((arg) => arg !== undefined && /^(cp|mv|sync|rsync)$/.test(arg))) return [];
  const at = args.findIndex((arg) => arg !== undefined && /^(s3|gs):\/\//.test(arg));
  const target = at === -1 ? undefined : args[at + 1];
  if (target === undefined || target.startsWith('-') || /^(s3|gs):\/\//.test(target)) return [];
  const recursive = args.some((arg) => arg === '--recursive' || arg === '-r' || arg === '-R' || arg === 'sync' || arg === 'rsync');
  return landed(args[at]!, target, true, recursive);
}

/** kubectl's options that take the next word. */
const KUBECTL_VALUES = new Set(['-n', '--namespace', '-c', '--container', '--context', '--kubeconfig', '--cluster', '--user', '--retries', '-s', '--server', '--token']);

/** `kubectl cp pod:/i.sh i.sh`, `kubectl cp -n web pod:/app ./app`: a file or a folder of the pod. */
function podCopy(args: readonly (string | undefined)[]): string[] {
  const words = operands(args, KUBECTL_VALUES);
  if (words[0] !== 'cp' || words.length < 3) return [];
  const [source, target] = [words[1], words.at(-1)];
  if (source === undefined || target === undefined || !source.includes(':') || target.includes(':')) return [];
  return landed(source, target, true, true);
}

/** git's options that take the next word, before its command and for clone. */
const GIT_VALUES = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '-b', '--branch', '-o', '--origin', '--depth', '--config', '--reference', '--reference-if-able', '--separate-git-dir', '-u', '--upload-pack', '--template', '-j', '--jobs', '--filter', '--shallow-since', '--shallow-exclude', '--bundle-uri', '--server-option']);

/** `git clone URL [dir]` (`git -C src clone …` clones into src): the repository's folder. */
function gitClone(args: readonly (string | undefined)[]): string[] {
  let folder = '';
  let i = 0;
  for (; i < args.length && args[i]?.startsWith('-'); i++) {
    if (args[i] === '-C') folder = `${args[i + 1] ?? ''}/`;
    if (GIT_VALUES.has(args[i]!)) i++;
  }
  if (args[i] !== 'clone') return [];
  return cloneInto(operands(args.slice(i + 1), GIT_VALUES), folder);
}

/** The folder a clone makes: the one named, or the repository's last name (`https://x/r.git` → r). */
function cloneInto(words: readonly (string | undefined)[], folder: string): string[] {
  const [repository, named] = words;
  if (repository === undefined) return [];
  const made = named ?? repository.replace(/\/+$/, '').replace(/\.git$/, '').replace(/^.*[/:]/, '');
  return made === '' ? [] : [`${folder}${made}/`];
}

/** The words that are no option nor an option's value (`--name=value` holds its own). */
function operands(args: readonly (string | undefined)[], takesValue: ReadonlySet<string>): (string | undefined)[] {
  const found: (string | undefined)[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg !== undefined && arg.startsWith('-') && arg !== '-') {
      if (takesValue.has(arg)) i++;
      continue;
    }
    found.push(arg);
  }
  return found;
}
