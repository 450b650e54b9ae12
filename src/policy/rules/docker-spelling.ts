import { DOCKER_GROUPS, DOCKER_VALUE_FLAGS } from '../cluster-tools.js';
import { subcommandFirst } from './kube-spelling.js';

/**
 * The top-level commands docker and podman keep for their management commands: `docker rm` is
 * `docker container rm`, `docker rmi` is `docker image rm`, `docker ps` is `docker container ls`.
 */
const TOP_LEVEL: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  container: {
    attach: 'attach', commit: 'commit', cp: 'cp', create: 'create', diff: 'diff', exec: 'exec', export: 'export', kill: 'kill',
    logs: 'logs', ls: 'ps', pause: 'pause', port: 'port', rename: 'rename', restart: 'restart', rm: 'rm', run: 'run', start: 'start',
    stats: 'stats', stop: 'stop', top: 'top', unpause: 'unpause', update: 'update', wait: 'wait',
  },
  image: { build: 'build', history: 'history', import: 'import', load: 'load', ls: 'images', pull: 'pull', push: 'push', rm: 'rmi', save: 'save', tag: 'tag' },
};

/** A management command's subcommand by its usual name: `volume remove` is `volume rm`, `image list` and `container ps` are `… ls`. */
function subcommandName(group: string, sub: string): string {
  if (sub === 'remove') return 'rm';
  return sub === 'list' || (group === 'container' && sub === 'ps') ? 'ls' : sub;
}

/**
 * A docker or podman argv in the other ways it may be written, for deny and ask rules: the
 * subcommand first (global flags such as `--context x`, `-H x`, `--log-level x`, `--config x`,
 * `-D` move after the other arguments, as kubectl's do), and a management command in both its
 * spellings (`container rm -f web` is also `rm -f web`, `rmi x` also `image rm x`). So
 * `docker: "rm *"` covers `docker --context prod container rm -f web`, and `docker: "container rm *"`
 * covers `docker rm web`. Nothing after `--` is touched.
 */
export function dockerSpellings(args: readonly string[]): (readonly string[])[] {
  const moved = subcommandFirst(args, DOCKER_VALUE_FLAGS);
  const forms: (readonly string[])[] = [moved];
  const [verb, sub, ...rest] = moved;
  if (verb !== undefined && sub !== undefined && DOCKER_GROUPS.has(verb)) {
    const name = subcommandName(verb, sub);
    forms.push([verb, name, ...rest]);
    const topLevel = TOP_LEVEL[verb]?.[name];
    if (topLevel !== undefined) forms.push([topLevel, ...rest]);
  } else if (verb !== undefined) {
    for (const [group, commands] of Object.entries(TOP_LEVEL)) {
      const found = Object.entries(commands).find(([, topLevel]) => topLevel === verb);
      if (found) forms.push([group, found[0], ...moved.slice(1)]);
    }
  }
  const unique = new Map(forms.map((form) => [form.join('\u0000'), form]));
  unique.delete(args.join('\u0000'));
  return [...unique.values()];
}
