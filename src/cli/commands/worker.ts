import { hostname } from 'node:os';
import path from 'node:path';
import { LABEL_PATTERN, MAX_LABELS } from '../../planning/index.js';
import { createRedactor, ensurePrivateDir, keyLineHider, ksaHome, readContainers, readProcessGroups, recordContainers, recordProcessGroups, secretValues } from '../../store/index.js';
import { clearLeftovers, createBuiltinRegistry, programOf, killAllProcessGroups, liveProcessGroups, onContainersChanged, onProcessGroupsChanged, removeStoppedContainers, trackedContainers, trackedProcessGroups, type CleanUpNews, type ProcessGroup, type StartedContainer } from '../../tools/index.js';
import { DEFAULT_STALL_TIMINGS, RedisUnavailableError, StepWorker, WORKER_NAME_PATTERN, WorkerNameTakenError, type StallTimings, type WorkerLogEntry } from '../../workers/index.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import type { CliIO } from '../io.js';
import { parseWholeNumber } from '../options.js';
import { checkedTarget, requiredRedisUrl } from '../remote-run.js';
import { workspaceOption } from '../workspace-option.js';
import { workerPolicy } from '../worker-policy.js';
import type { Policy } from '../../policy/rules/policy-rule.js';
import { plural } from '../../planning/plural.js';

export type WorkerFlags = { redis?: string; labels?: string; concurrency?: string; name?: string; workspace?: string; json?: boolean };

/**
 * `ksa worker`: runs the steps coordinators send through Redis until SIGTERM
 * or Ctrl-C. The first signal finishes the running steps; a second one stops
 * at once (their process trees are killed and the attempts are detected as
 * lost, then retried elsewhere under their retry policy).
 */
export async function workerCommand(io: CliIO, flags: WorkerFlags): Promise<ExitCodeValue> {
  const labels = parseLabels(flags.labels);
  const concurrency = parseWholeNumber(flags.concurrency, '--concurrency') ?? 4;
  const name = flags.name ?? `${hostname().split('.')[0]}-${process.pid}`;
  if (!WORKER_NAME_PATTERN.test(name)) throw new CliError({ message: `--name "${name}": use letters, digits, ".", "_" and "-" (no ":"), at most 63 characters` });
  const workspace = await workspaceOption(io.cwd, flags.workspace ?? '.', io.cwd);
  const registry = createBuiltinRegistry();
  // This machine's own rules: a broken file stops the worker here, before it reaches Redis.
  const { policy, refusal } = await workerPolicy({ home: ksaHome(io.env), workspace, worker: name, registry });
  const redisUrl = await requiredRedisUrl(io, flags.redis, ksaHome(io.env));
  const target = await checkedTarget(redisUrl);

  // Every step this worker runs sees its name.
  process.env.KSA_WORKER = name;
  const log = (fields: Record<string, unknown>, text: string) => io.stdout.write(flags.json ? `${JSON.stringify({ ts: new Date().toISOString(), worker: name, ...fields })}\n` : `${text}\n`);
  // As for a local run: values of secret-looking variables, and the password of its Redis
  // (`--redis redis://:pw@…` is in its command line for any step to print), never leave the worker in clear.
  const redactor = createRedactor([...secretValues(io.env), ...secretValues({ redisUrl })]);
  const worker = new StepWorker({
    target,
    name,
    labels,
    concurrency,
    workspace,
    registry,
    refusal,
    timings: timingsFrom(io.env),
    // Tests make it small (KSA_WORKER_OUTPUT_BYTES) to see the bound without printing megabytes.
    ...(Number(io.env.KSA_WORKER_OUTPUT_BYTES) > 0 ? { outputBytes: Number(io.env.KSA_WORKER_OUTPUT_BYTES) } : {}),
    log: (entry) => log(entry, formatEntry(entry)),
    redactor,
    keyLines: keyLineHider,
  });
  // A signal while the worker starts is kept for when it has started: dying then would leave its name claimed.
  let early: NodeJS.Signals | undefined;
  const onEarlySignal = (signal: NodeJS.Signals) => void (early ??= signal);
  process.on('SIGINT', onEarlySignal);
  process.on('SIGTERM', onEarlySignal);
  const stopListeningEarly = () => {
    process.off('SIGINT', onEarlySignal);
    process.off('SIGTERM', onEarlySignal);
  };
  // What an earlier worker of this --name (on this machine, with this KSA_HOME) was running when it died.
  // A name made up from the pid is never used again: nothing to keep for it.
  const processDir = flags.name === undefined ? undefined : path.join(ksaHome(io.env), 'workers', name);
  if (processDir) await ensurePrivateDir(processDir);
  const warn = (message: string) => log({ type: 'warning', message }, `ksa worker ${name}: ${message}`);
  const leftover = processDir ? await readProcessGroups(processDir, warn) : [];
  const leftoverContainers = processDir ? await readContainers(processDir, warn) : [];
  const record = (groups: readonly ProcessGroup[]) => processDir && recordProcessGroups(processDir, groups);
  // Containers the earlier worker left that could not be removed (their engine down) stay recorded for the next try.
  let notRemoved: readonly StartedContainer[] = [];
  const recordStarted = (containers: readonly StartedContainer[]) => processDir && recordContainers(processDir, [...notRemoved, ...containers]);
  let stopRecording = () => {};
  let stopRecordingContainers = () => {};
  // The name is ours now, so that worker is gone: its attempts were lost (and retried elsewhere), but
  // the processes and containers it started live on. Stopped and removed, like those of a local run on
  // resume, before this worker takes a job: a retry of that step would find its container's name taken.
  const cleanUpEarlier = async () => {
    stopRecording = onProcessGroupsChanged(record);
    record(trackedProcessGroups());
    stopRecordingContainers = onContainersChanged(recordStarted);
    const news: CleanUpNews = {
      done: (what, count, text) => log({ type: what === 'processGroups' ? 'leftovers_stopped' : 'leftovers_removed', [what]: count }, `ksa worker ${name}: ${text}`),
      warn,
    };
    // The secrets of the steps those processes ran came with their jobs and are not known now: the
    // processes are named by their program alone, as their arguments may hold them in clear.
    notRemoved = await clearLeftovers(leftover.filter((group) => !liveProcessGroups().includes(group.id)), leftoverContainers, `an earlier worker named ${name}`, news, programOf);
    recordStarted(trackedContainers());
  };
  await worker.start(cleanUpEarlier).catch((error: unknown) => {
    stopListeningEarly();
    // Another --name is the fix: a usage error.
    if (WorkerNameTakenError.isInstance(error)) throw new CliError({ message: error.message, exitCode: ExitCode.usage, cause: error });
    // A right its Redis user lacks, found as it starts (subscribing to cancels): as the start-up check says it.
    if (RedisUnavailableError.isInstance(error)) throw new CliError({ message: error.message, exitCode: ExitCode.runFailed, cause: error });
    throw error;
  });

  return new Promise<ExitCodeValue>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      const code = signal === 'SIGINT' ? ExitCode.interrupted : ExitCode.terminated;
      if (signals === 1) {
        const running = worker.runningJobs.length;
        log({ type: 'worker_stopping', running }, `ksa worker ${name}: ${signal}: finishing ${plural(running, 'running step')} (again to stop at once and hand them back)`);
        void worker.stop().then(() => {
          // Stopped at once meanwhile: that stop finishes, once its containers are dealt with.
          if (signals > 1) return;
          log({ type: 'worker_stopped' }, `ksa worker ${name} stopped`);
          finish(code);
        });
        return;
      }
      log({ type: 'worker_stopped', handedBack: worker.runningJobs }, `ksa worker ${name}: stopping at once; ${worker.runningJobs.length} step(s) handed back`);
      // The steps' own clean-up must not drop a container from the record before it is gone.
      stopRecordingContainers();
      const containers = trackedContainers();
      // What is not removed in time stays recorded: the next worker of this name removes it.
      const removing = removeStoppedContainers(containers, { done: (what, count, text) => log({ type: 'containers_removed', [what]: count }, `ksa worker ${name}: ${text}`), warn }).then(recordStarted);
      // Stopping before the kill: the steps killed are handed back (not failed as "killed by SIGKILL"), once
      // their containers are gone, or their retries elsewhere would find the names taken.
      const stopping = worker.stop({ now: true, handedBackAfter: removing });
      killAllProcessGroups('SIGKILL');
      void Promise.all([stopping, removing]).finally(() => finish(code, true));
    };
    const finish = (code: ExitCodeValue, keepContainers = false) => {
      stopRecording();
      record([]);
      stopRecordingContainers();
      if (!keepContainers) recordStarted([]);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve(code);
    };
    // Listening before saying "ready": whoever waits for that line may stop the worker at once.
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    stopListeningEarly();
    log({ type: 'worker_started', labels, concurrency, workspace, redis: target.display, pid: process.pid, policy: policy.files }, `ksa worker ${name} ready · labels ${labels.length > 0 ? labels.join(', ') : '(none)'} · concurrency ${concurrency} · ${target.display} · workspace ${workspace}${policyNote(policy)}`);
    if (early) onSignal(early);
  });
}

function parseLabels(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return [];
  const labels = [...new Set(value.split(',').map((label) => label.trim()).filter((label) => label !== ''))].sort();
  const bad = labels.find((label) => !LABEL_PATTERN.test(label));
  if (bad !== undefined) throw new CliError({ message: `--labels: "${bad}" is not a label (lower-case letters, digits, "-" and "_", at most 32)` });
  if (labels.length > MAX_LABELS) throw new CliError({ message: `--labels: at most ${MAX_LABELS} labels, got ${labels.length}` });
  return labels;
}

/** Lost-attempt detection timings; tests shorten them (KSA_WORKER_LOCK_MS, KSA_WORKER_STALLED_MS). */
function timingsFrom(env: NodeJS.ProcessEnv): StallTimings {
  const lockMs = Number(env.KSA_WORKER_LOCK_MS) || DEFAULT_STALL_TIMINGS.lockMs;
  const stalledMs = Number(env.KSA_WORKER_STALLED_MS) || DEFAULT_STALL_TIMINGS.stalledMs;
  return { lockMs, stalledMs };
}

function formatEntry(entry: WorkerLogEntry): string {
  if (entry.type === 'redis_refused') return entry.message;
  if (entry.type === 'redis_lost') return `lost the connection to Redis at ${entry.redis}; waiting for it to come back (running steps go on; no new step is taken)`;
  if (entry.type !== 'step_done') return `connected to Redis at ${entry.redis} again`;
  const what = `${entry.runId} ${entry.stepId}${entry.phase === 'rollback' ? ' (rollback)' : ` (attempt ${entry.attempt})`} ${entry.tool}`;
  const took = entry.durationMs < 1000 ? `${entry.durationMs}ms` : `${(entry.durationMs / 1000).toFixed(1)}s`;
  return entry.ok ? `✓ ${what} in ${took}` : `✗ ${what} after ${took}: ${entry.error}`;
}

/** ` · policy: 2 rules that hold calls back (…/policy.yaml)`: the owner sees the rules were found. */
function policyNote(policy: Policy): string {
  const holding = policy.rules.filter((rule) => rule.effect !== 'allow').length;
  return policy.files.length === 0 ? '' : ` · policy: ${plural(holding, 'deny/ask rule')} (${policy.files.join(', ')})`;
}
