// Deep imports: ksa validate loads this module, and the planning barrel would bring the executor.
import { placementOf, type Placement } from '../planning/placement.js';
import { configFilePath, ModelConfigError, readConfigJson } from '../agent/config.js';
import { isRecord } from '../planning/values.js';
import { otherRedisRefusal, recordedRedisUrl, shownRedisUrl, writtenRedisUrlProblem } from '../workers/redis-url.js';
import { parseRedisUrl, RedisUnavailableError } from '../workers/redis-target.js';
import type { Plan, Step } from '../planning/schema.js';
import type { ToolCatalog } from '../planning/validate.js';
import type { RunState } from '../planning/state.js';
import type { OpenRun } from '../store/index.js';
import type { OpenedRemote, RunWorkers } from '../agent/session-runs.js';
export { mayUseWorkers, sentToWorkers } from '../store/run-workers.js';
import type { WorkerInfo } from '../workers/index.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import { parseDuration } from './options.js';

/** The run/resume flags about workers. */
export type RemoteFlags = { redis?: string; localDefault?: boolean; workerWait?: string };
/**
 * `reattach`: a run taken over (its jobs may exist); `warn`: what its end could not do (its jobs' secrets left, Redis
 * away); `failRollbacksOnGoneWorkers`: a cancel's, whose rollback of a step a gone worker ran fails at once.
 */
type RemoteRunFlags = { reattach?: boolean; warn?: (line: string) => void; failRollbacksOnGoneWorkers?: boolean };

/**
 * `--redis`, else KSA_REDIS_URL, else `redis` in $KSA_HOME/config.json; undefined runs everything here.
 * A config.json that cannot be read is an error, as for the model commands: ignoring it would run
 * on this machine a plan its owner meant for the workers.
 * A URL ksa cannot use as written is refused now, as checkedTarget would refuse it, without connecting: before any
 * hint or record names it, before ksa ask pays the model for a plan. The refusal names where the URL came from when no
 * --redis gave it: no command line shows it. `compare`: a resume's or cancel's check against the run's recorded Redis,
 * after what is wrong as written and before what the parser refuses: a run an older ksa recorded with `/1e0` is told
 * to go on through `/1`, not only that `/1e0` is no database number.
 */
export async function redisUrlFor(io: CliIO, flag: string | undefined, home: string, compare?: (url: string | undefined) => void): Promise<string | undefined> {
  const given = await givenRedisUrl(io, flag, home);
  const refuse = (refusal: UrlRefusal | undefined): void => {
    if (refusal !== undefined) throw new CliError({ message: `cannot use Redis at ${refusal.url}${given?.from ? ` (from ${given.from})` : ''}: ${refusal.reason}`, exitCode: ExitCode.usage });
  };
  if (given !== undefined) refuse(writtenRefusal(given.url));
  compare?.(given?.url);
  if (given !== undefined) refuse(parseRefusal(given.url));
  return given?.url;
}

type UrlRefusal = { readonly url: string; readonly reason: string };

/** What is wrong with a URL as written (a password cut short, no host…), the URL shown as refusals show it. */
function writtenRefusal(url: string): UrlRefusal | undefined {
  const problem = writtenRedisUrlProblem(url);
  return problem === undefined ? undefined : { url: shownRedisUrl(url), reason: problem };
}

/** What the parser refuses of a URL (a database that is no number, options after ?), as it says it. */
function parseRefusal(url: string): UrlRefusal | undefined {
  try {
    parseRedisUrl(url);
    return undefined;
  } catch (error) {
    if (!RedisUnavailableError.isInstance(error)) throw error;
    return { url: error.url, reason: error.reason };
  }
}

/** A Redis URL as given, and where from when not by --redis (KSA_REDIS_URL, or config.json's "redis"). */
type GivenRedisUrl = { readonly url: string; readonly from?: string };

async function givenRedisUrl(io: CliIO, flag: string | undefined, home: string): Promise<GivenRedisUrl | undefined> {
  if (flag !== undefined) {
    // `--redis "$URL"` with URL unset: running the workers' steps here instead would be a surprise.
    if (flag.trim() === '') throw new CliError({ message: '--redis: empty; give a Redis URL such as redis://host:6379 (is the variable you passed set?)' });
    return { url: flag };
  }
  const fromEnv = io.env.KSA_REDIS_URL?.trim();
  if (fromEnv) return { url: fromEnv, from: 'KSA_REDIS_URL' };
  const file = configFilePath(home);
  const config = await readConfigJson(file).catch((error: unknown) => {
    throw error instanceof ModelConfigError ? new CliError({ message: error.message }) : error;
  });
  // JSON that is not an object of settings is refused as the model commands refuse it, not read as "no redis".
  if (config !== undefined && !isRecord(config)) throw new CliError({ message: `${file}: cannot read it (expected an object of settings, got ${Array.isArray(config) ? 'an array' : config === null ? 'null' : typeof config})` });
  const redis = isRecord(config) ? config.redis : undefined;
  if (redis === undefined || (typeof redis === 'string' && redis.trim() === '')) return undefined;
  if (typeof redis !== 'string') throw new CliError({ message: `${file}: "redis" must be a Redis URL such as "redis://host:6379", got ${JSON.stringify(redis)}` });
  return { url: redis.trim(), from: `"redis" in ${file}` };
}

/** As redisUrlFor, for the commands that need a Redis (ksa worker, ksa workers): none given is a usage error. */
export async function requiredRedisUrl(io: CliIO, flag: string | undefined, home: string): Promise<string> {
  const url = await redisUrlFor(io, flag, home);
  if (!url) throw new CliError({ message: `no Redis given: pass --redis redis://host:6379, or set KSA_REDIS_URL, or "redis" in ${configFilePath(home)}` });
  return url;
}

/**
 * Where a step runs in a run with workers: tool steps on workers, unless it has no runsOn and --local-default,
 * or its tool comes from an MCP server: the servers are configured here, and a worker has none.
 */
export function placeStepFor(plan: Plan, localDefault: boolean, tools: ToolCatalog): (step: Step) => Placement | undefined {
  return (step) => {
    if (step.type === 'llm_query' || step.type === 'condition') return undefined;
    if (runsHere(tools, step.tool)) return undefined;
    if (localDefault && step.runsOn === undefined && plan.runsOn === undefined) return undefined;
    return placementOf(step, plan);
  };
}

/** An MCP tool runs in the process that has its server: this one. */
function runsHere(tools: ToolCatalog, tool: string): boolean {
  return tools.get(tool)?.mcp !== undefined;
}

export type { OpenedRemote } from '../agent/session-runs.js';

/** The chat's runs through the workers at `url`: the Redis checked before each run is created, then opened for it. */
export function runWorkers(url: string, tools: ToolCatalog, flags: RemoteFlags = {}): RunWorkers {
  return {
    redis: recordedRedisUrl(url),
    check: async () => void (await checkedTarget(url)),
    open: (runId, plan, reattach, warn) => openRemote(url, runId, plan, tools, { ...flags, reattach, ...(warn ? { warn } : {}) }),
    stopRollbacks: (runId, state) => stopEarlierRollbacks(url, runId, state),
  };
}

/**
 * Stops the rollbacks of a stopped run still queued or running on workers, and waits for them to end: one
 * left running would undo a step as its resume runs it again. Says what it did, in lines for the user.
 * A run none of whose rollbacks had begun (`state`, as the resume took it over) has none: Redis is not asked.
 */
export async function stopEarlierRollbacks(url: string, runId: string, state: Pick<RunState, 'steps'>): Promise<{ said: string[]; warnings: string[] }> {
  if (!Object.values(state.steps).some((st) => st.rollbackStartedAt !== undefined)) return { said: [], warnings: [] };
  const { cancelRunJobs, isRollbackJobId } = await import('../workers/index.js');
  const { removed, stopped, stillRunning, gone } = await cancelRunJobs(await checkedTarget(url), runId, { only: isRollbackJobId });
  const ended = [...removed, ...stopped.map((job) => job.id)].filter((id) => !stillRunning.includes(id));
  const said = [
    ...(ended.length > 0 ? [`stopped ${ended.length > 1 ? `${ended.length} rollbacks` : 'the rollback'} the stopped run had under way on workers: ${ended.join(', ')}`] : []),
    ...gone.map((job) => `${job.worker} is gone (${job.why}): the rollback the stopped run had under way there (${job.id}) is no longer running`),
  ];
  const warnings = stillRunning.length > 0 ? [`still running after the cancel request: ${stillRunning.join(', ')}; resuming anyway`] : [];
  return { said, warnings };
}

/**
 * Connects the coordinator to Redis for one run, after checking it (one line
 * naming the URL and the cause, exit 1, before anything starts). Loaded only
 * when a run uses workers: one-machine runs never load BullMQ.
 */
export async function openRemote(url: string, runId: string, plan: Plan, tools: ToolCatalog, flags: RemoteFlags & RemoteRunFlags): Promise<OpenedRemote> {
  const workers = await import('../workers/index.js');
  const target = await checkedTarget(url);
  const steps = new workers.RemoteSteps({ target, runId, workerWaitMs: parseDuration(flags.workerWait, '--worker-wait'), reattach: flags.reattach === true, failRollbacksOnGoneWorkers: flags.failRollbacksOnGoneWorkers === true, ...(flags.warn ? { warn: flags.warn } : {}) });
  const placeStep = placeStepFor(plan, flags.localDefault === true, tools);
  // The queues of the plan's placed steps open now, not when its first steps wait for them.
  await steps.ready(plan.steps.flatMap((step) => {
    const placement = placeStep(step);
    return placement && !placement.each ? [placement.labels] : [];
  }));
  return {
    remote: {
      placeStep,
      invoker: (local, pin, note) => {
        const remote = steps.invoker(local, pin, note);
        // An MCP rollback of a step a worker ran still runs here, where its server is.
        return (call) => (runsHere(tools, call.tool) ? local(call) : remote(call));
      },
    },
    close: () => steps.close(),
  };
}

/**
 * Runs `body` with the run's steps sent to workers when a Redis URL is given
 * (their queues opened first, closed after), else with none. A Redis that
 * cannot be used closes the run before its one-line error: the run stays as
 * recorded, resumable, nothing started.
 */
export async function withRemoteSteps<T>(
  run: Pick<OpenRun, 'close' | 'recordRedis'>,
  target: { readonly url: string | undefined; readonly runId: string; readonly plan: Plan; readonly tools: ToolCatalog; readonly flags: RemoteFlags & RemoteRunFlags },
  body: (remote: OpenedRemote['remote'] | undefined) => Promise<T>,
): Promise<T> {
  if (!target.url) return body(undefined);
  const opened = await openRemote(target.url, target.runId, target.plan, target.tools, target.flags).catch(async (error: unknown) => {
    await run.close();
    throw error;
  });
  // On disk before its first job is queued (a resume or cancel of a run that recorded none): killed -9 from then on,
  // the run still says where its jobs are, and a later resume or cancel goes there.
  await run.recordRedis(recordedRedisUrl(target.url)).catch(async (error: unknown) => {
    await opened.close();
    await run.close();
    throw error;
  });
  return body(opened.remote).finally(() => opened.close());
}

/** As otherRedisRefusal says it, as the command's one-line error. */
export function refuseOtherRedis(runId: string, recorded: string | undefined, url: string | undefined, command: 'resume' | 'cancel'): void {
  const refusal = otherRedisRefusal(runId, recorded, url, command);
  if (refusal !== undefined) throw new CliError({ message: refusal });
}

export async function checkedTarget(url: string) {
  const workers = await import('../workers/index.js');
  try {
    return await workers.checkRedis(url);
  } catch (error) {
    throw RedisUnavailableError.isInstance(error) ? redisCliError(error) : error;
  }
}

/** A Redis ksa cannot use, as the command's one-line error: a URL that is wrong as written is a usage error. */
function redisCliError(error: RedisUnavailableError): CliError {
  return new CliError({ message: error.message, exitCode: error.badUrl ? ExitCode.usage : ExitCode.runFailed, cause: error });
}

/**
 * Warnings (not errors: workers may start later) about steps whose labels no
 * live worker offers, and one line per placed step for the plan print.
 */
export async function describeWorkers(url: string, plan: Plan, localDefault: boolean, tools: ToolCatalog): Promise<{ warnings: string[]; lines: string[] }> {
  const workers = await import('../workers/index.js');
  const { workers: live } = await readLiveWorkers(url);
  const place = placeStepFor(plan, localDefault, tools);
  const missing = new Map<string, string[]>();
  const lines: string[] = [];
  for (const step of plan.steps) {
    const placement = place(step);
    const labels = placement?.labels ?? [];
    const matching = placement ? live.filter((info) => workers.offers(info, labels)).map((info) => info.name) : [];
    if (placement && matching.length === 0) {
      const key = labels.join(', ') || 'any';
      missing.set(key, [...(missing.get(key) ?? []), step.id]);
    }
    const where = !placement ? 'here (this machine)' : `${placement.each ? 'every worker' : 'a worker'} with ${labels.length > 0 ? `labels ${labels.join(', ')}` : 'any labels'}${matching.length > 0 ? ` (live: ${matching.join(', ')})` : ' (none live)'}`;
    lines.push(`  ${step.id} runs on ${where}`);
  }
  const warnings = [...missing].map(([labels, ids]) => `no live worker offers labels ${labels} (steps: ${ids.join(', ')}); they will wait for one`);
  return { warnings, lines };
}

/**
 * For `ksa validate`: warnings about runsOn labels no live worker offers.
 * Only with a Redis configured and a plan that says runsOn (otherwise nothing
 * is contacted); a Redis, or a config.json, that cannot be read is one warning, not an error.
 */
export async function runsOnWarnings(redisUrl: () => Promise<string | undefined>, plan: Plan, tools: ToolCatalog): Promise<string[]> {
  const place = placeStepFor(plan, true, tools);
  if (!plan.steps.some((step) => place(step) !== undefined)) return [];
  try {
    // Asked only for a plan that places steps, so a config.json it cannot read is a warning only then.
    const url = await redisUrl();
    return url ? (await describeWorkers(url, plan, true, tools)).warnings : [];
  } catch (error) {
    const cause = error instanceof CliError ? error.message : `cannot read the live workers: ${(error as Error).message}`;
    return [`runsOn labels not checked against live workers: ${cause}`];
  }
}

/** For the chat's plan card: describeWorkers, with a Redis that cannot be read as a warning. */
export async function planCardWorkers(url: string, plan: Plan, tools: ToolCatalog): Promise<{ lines: string[]; warnings: string[] }> {
  try {
    const { lines, warnings } = await describeWorkers(url, plan, false, tools);
    return { lines: lines.map((line) => line.trim()), warnings };
  } catch (error) {
    return { lines: [], warnings: [`workers not checked: ${(error as Error).message}`] };
  }
}

/** The live workers registered in the Redis at `url` (checked first, so a bad URL or password is one line). */
export async function readLiveWorkers(url: string): Promise<{ display: string; workers: WorkerInfo[]; now: number }> {
  const { liveWorkers, redisNow } = await import('../workers/index.js');
  const target = await checkedTarget(url);
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...target.options, lazyConnect: true });
  client.on('error', () => {});
  try {
    await client.connect();
    // Their heartbeats are stamped by Redis's clock: how long ago is measured on it too, not on this machine's.
    const now = await redisNow(client);
    return { display: target.display, workers: await liveWorkers(client, now), now };
  } finally {
    client.disconnect();
  }
}
