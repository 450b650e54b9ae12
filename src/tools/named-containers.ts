import { runSubcommandAt } from './container-run.js';
import { quickCommand } from './quick-command.js';
import { CONTAINER_ID, type StartedContainer } from './started-containers.js';

// Bounds the engine's answer: an engine that hangs must not hold a resume.
const INSPECT_TIMEOUT_MS = 15_000;
// The engine's clock and the run's are the same machine's, but its creation time is taken a moment before the client's start is recorded.
const CLOCK_SLACK_MS = 2000;

/** The `--name` a container `run` gives (`--name web`, `--name=web`), before `--`; undefined when it is not a `run` or names none. */
export function runContainerName(args: readonly string[]): string | undefined {
  const at = runSubcommandAt(args);
  if (at === undefined) return undefined;
  for (let i = at + 1; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return undefined;
    if (arg === '--name') return args[i + 1];
    if (arg.startsWith('--name=')) return arg.slice('--name='.length);
  }
  return undefined;
}

/**
 * The container of the name a step's `run` gave, as the engine knows it now, when it was created no earlier than
 * the step's attempt began (`since`): an older ksa recorded no container ids, so a container is found by the name
 * its step gave and taken for the step's only if it is that recent (an older container of the name is someone
 * else's). Undefined when there is none, it is older, or the engine does not answer.
 */
export async function containerNamedBy(binary: string, args: readonly string[], since: string): Promise<StartedContainer | undefined> {
  const name = runContainerName(args);
  const at = runSubcommandAt(args);
  if (name === undefined || name === '' || at === undefined) return undefined;
  // The global options reach the same engine (`--connection remote run …`); `container run` keeps `container` out of them.
  const globals = args.slice(0, args[at - 1] === 'container' ? at - 1 : at);
  const inspected = await quickCommand(binary, [...globals, 'container', 'inspect', '--format', '{{.Id}} {{.Created}}', name], { env: process.env, timeoutMs: INSPECT_TIMEOUT_MS });
  if (inspected?.exitCode !== 0) return undefined;
  const [id = '', ...created] = inspected.stdout.trim().split(' ');
  const createdAt = engineTime(created.join(' '));
  if (!CONTAINER_ID.test(id) || createdAt === undefined || createdAt < Date.parse(since) - CLOCK_SLACK_MS) return undefined;
  return { binary, globals, id };
}

/** docker's RFC 3339 time, or podman's Go form (`2026-12-06 08:58:37.123456789 +0000 UTC`), in ms. */
function engineTime(text: string): number | undefined {
  const match = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?/.exec(text);
  if (!match) return undefined;
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  const ms = Date.parse(`${date}T${time}${fraction.slice(0, 4)}${offset}`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Whether the arguments are a container `run` (`run …`, `container run …`). */
export function isContainerRun(args: readonly string[]): boolean {
  return runSubcommandAt(args) !== undefined;
}
