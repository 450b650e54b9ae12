import { destroyRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { runRisk } from './container-run-risk.js';
import { KUBECTL_GLOBAL_VALUE_OPTIONS } from './kubectl-options.js';
import { maySetFlag } from './run-time-options.js';
import type { ShellWord } from './shell-syntax.js';

/**
 * Classifies argv of kubectl, helm, docker and podman (as tools or inside a shell line); `words`: the shell words
 * they come from, when in a shell line (how a word known only at run time is written).
 */
export type ArgvClassifier = (args: readonly (string | undefined)[], inner: InnerCommand, words?: readonly ShellWord[]) => Promise<StepRisk>;

/** Classifies a command run inside another (`kubectl exec … -- rm -rf /data`). */
export type InnerCommand = (argv: readonly (string | undefined)[], where: string) => Promise<StepRisk>;

/**
 * Flags that take a value as the next argument, for finding the subcommand (the first other non-flag): kubectl's global
 * ones and a few of its commands' (kubectl-options.ts reads each command's own).
 */
export const KUBECTL_VALUE_FLAGS: ReadonlySet<string> = new Set([
  ...KUBECTL_GLOBAL_VALUE_OPTIONS, '-l', '--selector', '-o', '--output', '-f', '--filename', '-c', '--container', '--field-selector', '-k', '--kustomize',
  '--type', '--replicas', '--image', '--raw', '--log-file',
]);
export const HELM_VALUE_FLAGS: ReadonlySet<string> = new Set(['-n', '--namespace', '--kube-context', '--kubeconfig', '--kube-apiserver', '--kube-token', '--kube-as-user', '--kube-as-group', '--registry-config', '--repository-cache', '--repository-config', '--burst-limit', '--qps', '-o', '--output', '-f', '--values', '--set', '--set-string', '--set-file', '--version', '--timeout']);
/** docker's and podman's global flags that take a value (and compose's): the subcommand is the first other non-flag. */
export const DOCKER_VALUE_FLAGS: ReadonlySet<string> = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '-f', '--file', '-p', '--project-name', '--project-directory', '--profile', '--env-file', '--connection', '--url', '--identity', '--root', '--runroot', '--storage-driver', '--cgroup-manager', '--events-backend', '--network-cmd-path',
  // podman's other global options with a value (`podman --runtime runc rm -f web`).
  '--runtime', '--runtime-flag', '--tmpdir', '--conmon', '--hooks-dir', '--storage-opt', '--volumepath', '--network-config-dir',
  '--cni-config-dir', '--network-backend', '--ssh', '--module', '--db-backend', '--imagestore', '--out', '--registries-conf']);

/**
 * No subcommand written: with no arguments the tool prints its help; one chosen at run time
 * (`kubectl $VERB ns prod`, `echo delete ns prod | xargs kubectl`) may be delete, as a computed
 * program name may be rm.
 */
function commandUnknown(tool: string, args: readonly (string | undefined)[], words: readonly (string | undefined)[]): StepRisk {
  if (words.length > 0) return destroyRisk(`${tool} command chosen at run time (may delete)`);
  return args.length === 0 ? readRisk(`${tool} without a command`) : writeRisk(`${tool} command built at run time`);
}

/** Positional (non-flag) arguments, skipping flag values; `undefined` marks a word only known at run time. */
export function positionals(args: readonly (string | undefined)[], valueFlags: ReadonlySet<string>): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    if (arg !== undefined && arg.startsWith('-') && arg !== '-') {
      if (!arg.includes('=') && valueFlags.has(arg)) i++;
      continue;
    }
    out.push(arg);
  }
  return out;
}

function hasFlag(args: readonly (string | undefined)[], ...names: string[]): boolean {
  return args.some((arg) => arg !== undefined && names.some((name) => arg === name || arg.startsWith(`${name}=`)));
}

function flagValue(args: readonly (string | undefined)[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === name) return args[i + 1] ?? '';
    if (arg?.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

/**
 * `--dry-run`, `--dry-run=client|server`, but not `--dry-run=none`. kubectl and helm read flags only
 * before `--` (`delete pod web -- --dry-run=server` deletes), and the last one given wins.
 */
function isDryRun(args: readonly (string | undefined)[]): boolean {
  const end = args.indexOf('--');
  const flags = end === -1 ? args : args.slice(0, end);
  let value: string | undefined;
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i];
    // A bare --dry-run takes no value after it: kubectl reads it as client, helm as true.
    if (flag === '--dry-run') value = 'client';
    else if (flag?.startsWith('--dry-run=')) value = flag.slice('--dry-run='.length);
  }
  return value !== undefined && value !== 'none' && value !== 'false';
}

function afterDoubleDash(args: readonly (string | undefined)[]): (string | undefined)[] | undefined {
  const index = args.indexOf('--');
  return index === -1 ? undefined : args.slice(index + 1);
}

const KUBECTL_READ = new Set(['get', 'describe', 'logs', 'diff', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'top', 'wait', 'events', 'kustomize', 'completion', 'options', 'help']);
const KUBECTL_WRITE = new Set(['apply', 'create', 'run', 'scale', 'autoscale', 'expose', 'set', 'label', 'annotate', 'patch', 'edit', 'cordon', 'uncordon', 'taint', 'port-forward', 'cp', 'attach', 'proxy', 'debug', 'certificate', 'replace', 'rollout', 'exec', 'auth', 'config', 'plugin']);
const KUBECTL_DESTROY = new Set(['delete', 'drain']);

/** Options that make `kubectl apply` (and `replace`) delete: `--prune` what the manifests leave out, `--force` to recreate. */
const KUBECTL_DELETING: Readonly<Record<string, readonly string[]>> = { apply: ['--prune', '--force'], replace: ['--force'] };

/**
 * The word known only at run time that may be one of `flags` (`kubectl apply -f x.yaml "$OPT"` may be `--prune`),
 * quoted or not, before `--` and not the value of an option that takes one (`-n "$NS"`).
 */
function mayBeDeleting(args: readonly (string | undefined)[], words: readonly ShellWord[] | undefined, flags: readonly string[]): string | undefined {
  for (let i = 0; i < args.length && args[i] !== '--'; i++) {
    const arg = args[i];
    if (arg !== undefined) {
      if (arg.startsWith('-') && !arg.includes('=') && KUBECTL_VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    // An argv element from a `{{ template }}` is rated again once filled in, before it runs.
    const word = words?.[i];
    if (word !== undefined && maySetFlag(word, flags)) return word.text;
  }
  return undefined;
}

export const classifyKubectl: ArgvClassifier = async (args, inner, shellWords) => {
  const words = positionals(args, KUBECTL_VALUE_FLAGS);
  const [verb, sub] = words;
  if (verb === undefined) return commandUnknown('kubectl', args, words);
  const name = `kubectl ${verb}`;
  if (isDryRun(args)) return readRisk(`${name} --dry-run`);
  if (KUBECTL_DESTROY.has(verb)) return destroyRisk(name);
  if (verb === 'replace' && hasFlag(args, '--force')) return destroyRisk('kubectl replace --force');
  if (verb === 'apply' && hasFlag(args, '--prune')) return destroyRisk('kubectl apply --prune deletes what is not in the manifests');
  const deleting = Object.hasOwn(KUBECTL_DELETING, verb) ? mayBeDeleting(args, shellWords, KUBECTL_DELETING[verb]!) : undefined;
  if (deleting !== undefined) return destroyRisk(`${name} with ${deleting} known only at run time (may be ${KUBECTL_DELETING[verb]!.join(' or ')})`);
  if (hasFlag(args, '--force') || flagValue(args, '--grace-period') === '0') return destroyRisk(`${name} --force`);
  if (verb === 'exec') {
    const command = afterDoubleDash(args);
    return command && command.length > 0 ? inner(command, 'in kubectl exec') : writeRisk('kubectl exec');
  }
  if (verb === 'rollout') return sub === 'status' || sub === 'history' ? readRisk(`kubectl rollout ${sub}`) : writeRisk(`kubectl rollout ${sub ?? ''}`.trim());
  if (verb === 'auth') return sub === 'can-i' || sub === 'whoami' ? readRisk(`kubectl auth ${sub}`) : writeRisk(`kubectl auth ${sub ?? ''}`.trim());
  if (verb === 'config') {
    return sub !== undefined && /^(view|get-contexts|get-clusters|get-users|current-context)$/.test(sub) ? readRisk(`kubectl config ${sub}`) : writeRisk(`kubectl config ${sub ?? ''}`.trim());
  }
  if (verb === 'plugin') return sub === 'list' ? readRisk('kubectl plugin list') : writeRisk('kubectl plugin');
  if (KUBECTL_READ.has(verb)) return readRisk(name);
  if (KUBECTL_WRITE.has(verb)) return writeRisk(name);
  return writeRisk(`${name} (not a known read-only kubectl command)`);
};

const HELM_READ = new Set(['list', 'ls', 'status', 'get', 'history', 'hist', 'show', 'inspect', 'template', 'lint', 'search', 'version', 'env', 'diff', 'verify', 'help', 'completion']);
const HELM_DESTROY = new Set(['uninstall', 'delete', 'del', 'un']);

export const classifyHelm: ArgvClassifier = async (args) => {
  const words = positionals(args, HELM_VALUE_FLAGS);
  const [verb, sub] = words;
  if (verb === undefined) return commandUnknown('helm', args, words);
  const name = `helm ${verb}`;
  if (HELM_DESTROY.has(verb)) return isDryRun(args) ? readRisk(`${name} --dry-run`) : destroyRisk(name);
  if ((verb === 'install' || verb === 'upgrade' || verb === 'rollback') && isDryRun(args)) return readRisk(`${name} --dry-run`);
  if (hasFlag(args, '--force')) return destroyRisk(`${name} --force replaces resources`);
  if (verb === 'repo' || verb === 'plugin' || verb === 'dependency' || verb === 'dep' || verb === 'registry') {
    return sub === 'list' || sub === 'ls' ? readRisk(`helm ${verb} ${sub}`) : writeRisk(`helm ${verb} ${sub ?? ''}`.trim());
  }
  if (HELM_READ.has(verb)) return hasFlag(args, '--output-dir') ? writeRisk(`${name} --output-dir writes files`) : readRisk(name);
  return writeRisk(name);
};

const DOCKER_READ = new Set(['ps', 'images', 'inspect', 'logs', 'version', 'info', 'stats', 'top', 'history', 'events', 'port', 'diff', 'search', 'help']);
const DOCKER_DESTROY = new Set(['rm', 'rmi', 'prune']);
/** Management commands: `docker image ls`, `docker volume rm x`, `docker compose down`. */
export const DOCKER_GROUPS: ReadonlySet<string> = new Set(['container', 'image', 'volume', 'network', 'system', 'builder', 'buildx', 'compose', 'context', 'manifest', 'plugin', 'secret', 'config', 'service', 'stack', 'node', 'swarm', 'trust', 'pod', 'machine', 'kube']);
const GROUP_READ = new Set(['ls', 'list', 'inspect', 'df', 'ps', 'logs', 'config', 'show', 'top', 'images', 'version', 'events', 'port', 'exists', 'history', 'info']);
const GROUP_DESTROY = new Set(['rm', 'remove', 'prune', 'down', 'reset', 'leave', 'delete']);

export function dockerLike(program: string): ArgvClassifier {
  return async (args, inner) => {
    const words = positionals(args, DOCKER_VALUE_FLAGS);
    const [verb, sub] = words;
    if (verb === undefined) return commandUnknown(program, args, words);
    if (DOCKER_GROUPS.has(verb)) {
      const name = `${program} ${verb} ${sub ?? ''}`.trim();
      if (sub === undefined) return words.length > 1 ? destroyRisk(`${name} command chosen at run time (may be rm)`) : writeRisk(`${name} without a command`);
      if (GROUP_DESTROY.has(sub) || sub === 'rmi') return destroyRisk(name);
      if (verb === 'compose' && (sub === 'rm' || hasFlag(args, '--volumes', '-v', '--rmi'))) return destroyRisk(`${name} removes volumes or images`);
      if (sub === 'exec') return execRisk(program, args, inner, name);
      if (sub === 'run' || (sub === 'create' && verb === 'container')) return runRisk(program, args, inner, name);
      if (GROUP_READ.has(sub)) return readRisk(name);
      return writeRisk(name);
    }
    const name = `${program} ${verb}`;
    if (DOCKER_DESTROY.has(verb)) return destroyRisk(name);
    if (verb === 'exec') return execRisk(program, args, inner, name);
    if (verb === 'run' || verb === 'create') return runRisk(program, args, inner, name);
    if (DOCKER_READ.has(verb)) return readRisk(name);
    return writeRisk(name);
  };
}

const EXEC_VALUE_FLAGS = new Set(['-e', '--env', '-u', '--user', '-w', '--workdir', '--env-file', '--detach-keys']);

/** `docker exec -it c rm -rf /data`: the command after the container is what runs. */
async function execRisk(program: string, args: readonly (string | undefined)[], inner: InnerCommand, name: string): Promise<StepRisk> {
  let i = args.indexOf('exec') + 1;
  if (i === 0) return writeRisk(name);
  while (i < args.length && args[i]?.startsWith('-')) {
    const flag = args[i]!;
    i += !flag.includes('=') && EXEC_VALUE_FLAGS.has(flag) ? 2 : 1;
  }
  const command = args.slice(i + 1);
  return command.length === 0 ? writeRisk(name) : inner(command, `in ${program} exec`);
}

export const classifyDocker = dockerLike('docker');
export const classifyPodman = dockerLike('podman');
