import type { InnerCommand } from './cluster-tools.js';
import { destroyRisk, maxRisk, readRisk, writeRisk, type StepRisk } from './risk-level.js';
import { splitLongOption } from './long-option.js';

/** `docker run` / `podman run` options that take a value (the next word, unless written `--name=value`). */
const RUN_VALUE_FLAGS = new Set([
  '-a', '--attach', '-c', '--cpu-shares', '-e', '--env', '-h', '--hostname', '-l', '--label', '-m', '--memory', '-p', '--publish',
  '-u', '--user', '-v', '--volume', '-w', '--workdir', '--add-host', '--annotation', '--arch', '--blkio-weight', '--cap-add',
  '--cap-drop', '--cgroup-parent', '--cgroupns', '--cidfile', '--cpu-period', '--cpu-quota', '--cpus', '--cpuset-cpus',
  '--cpuset-mems', '--device', '--dns', '--dns-option', '--dns-search', '--entrypoint', '--env-file', '--expose', '--gpus',
  '--group-add', '--health-cmd', '--health-interval', '--health-retries', '--health-start-period', '--health-timeout',
  '--hooks-dir', '--ip', '--ip6', '--ipc', '--isolation', '--label-file', '--link', '--log-driver', '--log-opt', '--mac-address',
  '--memory-reservation', '--memory-swap', '--memory-swappiness', '--mount', '--name', '--network', '--net', '--network-alias',
  '--os', '--pid', '--pids-limit', '--platform', '--pod', '--pull', '--restart', '--runtime', '--secret', '--security-opt',
  '--shm-size', '--stop-signal', '--stop-timeout', '--storage-opt', '--sysctl', '--timeout', '--tmpfs', '--ulimit', '--userns',
  '--uts', '--variant', '--volumes-from', '--detach-keys', '--rootfs', '--domainname', '--oom-score-adj', '--uidmap', '--gidmap',
  '--requires', '--pidfile', '--umask', '--device-cgroup-rule', '--cpu-rt-runtime', '--cpu-rt-period', '--passwd-entry',
  '--group-entry', '--chrootdirs', '--cgroups', '--cgroup-conf', '--conmon-pidfile', '--hostuser', '--image-volume', '--init-path',
  '--log-level', '--personality', '--preserve-fds', '--sdnotify', '--seccomp-policy', '--subgidname', '--subuidname', '--systemd',
  '--timezone', '--unsetenv', '--blkio-weight-device', '--device-read-bps', '--device-write-bps', '--device-read-iops',
  '--device-write-iops', '--kernel-memory', '--runtime-flag', '--health-startup-cmd', '--health-on-failure', '--decryption-key',
  '--creds', '--env-merge', '--shm-size-systemd', '--cpu-count', '--cpu-percent', '--io-maxbandwidth', '--io-maxiops',
  '--link-local-ip', '--init-ctr',
]);

/** Options of docker/podman run that take no value: anything else not listed is an option ksa does not know. */
const RUN_SWITCHES = new Set([
  '-d', '--detach', '-i', '--interactive', '-t', '--tty', '--rm', '--privileged', '--init', '--read-only', '-P', '--publish-all',
  '--no-healthcheck', '--oom-kill-disable', '--sig-proxy', '--disable-content-trust', '-q', '--quiet', '--replace', '--rmi', '--http-proxy',
  '--no-hosts', '--read-only-tmpfs', '--tls-verify', '--use-host-env', '--help', '--env-host', '--passwd',
]);

/**
 * `docker run -v /:/host alpine rm -rf /host/etc`: a container given the host's files (a bind mount of a host
 * folder, `--volumes-from`) or the host itself (`--privileged`, `--pid=host`, devices, added capabilities) does
 * to the host what its command does, so that command is rated as `docker exec`'s is. Without such access a
 * container's command changes only the container: a `run` is `write`, as any run.
 */
export async function runRisk(program: string, args: readonly (string | undefined)[], inner: InnerCommand, name: string): Promise<StepRisk> {
  // `create` makes the container with its command, which a later `start` runs.
  const verb = args.findIndex((arg) => arg === 'run' || arg === 'create');
  let i = verb + 1;
  if (i === 0) return writeRisk(name);
  let hostAccess: string | undefined;
  let entrypoint: string | undefined;
  let rootfs = false;
  let unknown: string | undefined;
  while (i < args.length && args[i] !== undefined && args[i]!.startsWith('-') && args[i] !== '--') {
    const options = optionsOf(args[i]!);
    let takesNext = false;
    for (const { key, inline } of options) {
      const takesValue = inline === undefined && RUN_VALUE_FLAGS.has(key);
      const value = inline ?? (takesValue ? args[i + 1] : undefined);
      hostAccess ??= hostAccessOf(key, value, takesValue || inline !== undefined);
      if (key === '--entrypoint') entrypoint = value;
      if (key === '--rootfs') rootfs = true;
      if (!takesValue && inline === undefined && !RUN_SWITCHES.has(key)) unknown ??= key;
      takesNext ||= takesValue;
    }
    i += takesNext ? 2 : 1;
  }
  // An option ksa does not know may take the next word: where the image and the command start is not known.
  // Given the host's files anywhere, what runs in the container is any command.
  if (unknown !== undefined) {
    const access = args.slice(verb + 1).map((word, at, words) => (word?.startsWith('-') ? optionsOf(word).map(({ key, inline }) => hostAccessOf(key, inline ?? words[at + 1], true)).find(Boolean) : undefined)).find(Boolean);
    return access ? destroyRisk(`${name} with ${access} and an option ksa does not know (${unknown}): what runs in the container is not known`) : writeRisk(name);
  }
  if (args[i] === '--') i++;
  // With --rootfs there is no image: the command comes right after the options.
  const command = [...(entrypoint !== undefined ? [entrypoint] : []), ...args.slice(rootfs ? i : i + 1)];
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
    const { name, value } = splitLongOption(word);
    return [value === undefined ? { key: name } : { key: name, inline: value }];
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
  // A bind mount, also one the local volume driver makes (`volume-opt=o=bind`).
  if (key === '--mount' && hasValue) return value === undefined || /bind/.test(value) ? 'a host folder mounted' : undefined;
  if (key === '--rootfs') return 'a host folder as its root (--rootfs)';
  if (key === '--volumes-from') return 'another container\'s volumes';
  if ((key === '--pid' || key === '--ipc' || key === '--userns' || key === '--uts') && (value === undefined || value === 'host')) return `${key}=host`;
  if (key === '--device' || key === '--cap-add') return key;
  return undefined;
}
