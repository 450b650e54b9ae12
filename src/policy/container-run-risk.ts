import type { InnerCommand } from './cluster-tools.js';
import { maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';

/** `docker run` / `podman run` options that take a value (the next word, unless written `--name=value`). */
const RUN_VALUE_FLAGS = new Set([
  '-a', '--attach', '-c', '--cpu-shares', '-e', '--env', '-h', '--hostname', '-l', '--label', '-m', '--memory', '-p', '--publish',
  '-u', '--user', '-v', '--volume', '-w', '--workdir', '--add-host', '--annotation', '--arch', '--blkio-weight', '--cap-add',
  '--cap-drop', '--cgroup-parent', '--cgroupns', '--cidfile', '--cpu-period', '--cpu-quota', '--cpus', '--cpuset-cpus',
  '--cpuset-mems', '--device', '--dns', '--dns-option', '--dns-search', '--entrypoint', '--env-file', '--expose', '--gpus',
  '--group-add', '--health-cmd', '--health-interval', '--health-retries', '--health-start-period', '--health-timeout', '--hooks-dir',
  '--ip', '--ip6', '--ipc', '--isolation', '--label-file', '--link', '--log-driver', '--log-opt', '--mac-address', '--memory-reservation',
  '--memory-swap', '--memory-swappiness', '--mount', '--name', '--network', '--net', '--network-alias', '--os', '--pid', '--pids-limit',
  '--platform', '--pod', '--pull', '--restart', '--runtime', '--secret', '--security-opt', '--shm-size', '--stop-signal', '--stop-timeout',
  '--storage-opt', '--sysctl', '--timeout', '--tmpfs', '--ulimit', '--userns', '--uts', '--variant', '--volumes-from', '--detach-keys',
]);

/**
 * `docker run -v /:/host alpine rm -rf /host/etc`: a container given the host's files (a bind mount of a host
 * folder, `--volumes-from`) or the host itself (`--privileged`, `--pid=host`, devices, added capabilities) does
 * to the host what its command does, so that command is rated as `docker exec`'s is. Without such access a
 * container's command changes only the container: a `run` is `write`, as any run.
 */
export async function runRisk(program: string, args: readonly (string | undefined)[], inner: InnerCommand, name: string): Promise<StepRisk> {
  let i = args.indexOf('run') + 1;
  if (i === 0) return writeRisk(name);
  let hostAccess: string | undefined;
  let entrypoint: string | undefined;
  while (i < args.length && args[i] !== undefined && args[i]!.startsWith('-') && args[i] !== '--') {
    const options = optionsOf(args[i]!);
    let takesNext = false;
    for (const { key, inline } of options) {
      const takesValue = inline === undefined && RUN_VALUE_FLAGS.has(key);
      const value = inline ?? (takesValue ? args[i + 1] : undefined);
      hostAccess ??= hostAccessOf(key, value, takesValue || inline !== undefined);
      if (key === '--entrypoint') entrypoint = value;
      takesNext ||= takesValue;
    }
    i += takesNext ? 2 : 1;
  }
  if (args[i] === '--') i++;
  const command = [...(entrypoint !== undefined ? [entrypoint] : []), ...args.slice(i + 1)];
  if (hostAccess === undefined || command.length === 0) return i < args.length ? writeRisk(name) : readRisk(`${name} without an image`);
  // A run makes a container whatever its command does: never read.
  return maxRisk(await inner(command, `in ${program} run with ${hostAccess}`), writeRisk(name));
}

/**
 * The options one word gives: `--name=value`, `--name`, and short ones together (`-itv` then the next word as
 * v's value; `-v/srv:/x` with the value attached).
 */
function optionsOf(word: string): { key: string; inline?: string }[] {
  if (word.startsWith('--')) {
    const equals = word.indexOf('=');
    return [equals < 0 ? { key: word } : { key: word.slice(0, equals), inline: word.slice(equals + 1) }];
  }
  const options: { key: string; inline?: string }[] = [];
  for (let at = 1; at < word.length; at++) {
    const key = `-${word[at]}`;
    const rest = word.slice(at + 1).replace(/^=/, '');
    if (RUN_VALUE_FLAGS.has(key) && rest !== '') return [...options, { key, inline: rest }];
    options.push({ key });
  }
  return options;
}

/** What a `run` option gives the container of the host, if anything: said in a few words. */
function hostAccessOf(key: string, value: string | undefined, hasValue: boolean): string | undefined {
  if (key === '--privileged') return '--privileged';
  if ((key === '-v' || key === '--volume') && hasValue) {
    // `name:/data` is a named volume; a path (or a word only known at run time) is a folder of the host.
    const source = value?.split(':')[0];
    return source === undefined || /^[/.~$]/.test(source) ? 'a host folder mounted' : undefined;
  }
  if (key === '--mount' && hasValue) return value === undefined || /type=bind/.test(value) ? 'a host folder mounted' : undefined;
  if (key === '--volumes-from') return 'another container\'s volumes';
  if ((key === '--pid' || key === '--ipc' || key === '--userns' || key === '--uts') && (value === undefined || value === 'host')) return `${key}=host`;
  if (key === '--device' || key === '--cap-add') return key;
  return undefined;
}
