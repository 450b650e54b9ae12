import type { Job } from 'bullmq';
import { errorMessage, type ToolCall, type WorkerRun } from '../planning/index.js';
import { saysPartNotRun } from './step-messages.js';
import type { StepJobData, StepJobProgress, StepJobResult } from './queue-names.js';

const TAKEN: ReadonlySet<string> = new Set(['active', 'completed', 'failed']);

/**
 * A resumed run takes over the job of an attempt that a worker took while no ksa watched it (the run's
 * process died): the worker's own start and end go to the run's record (not the moment it was collected),
 * and of the output printed meanwhile, what Redis still holds (the job's last batch of lines) goes to the
 * step's log, saying so when earlier lines are not kept.
 */
export async function takeOver(job: Job<StepJobData, StepJobResult>, call: Pick<ToolCall, 'onOutput'>, nameWorker: (worker: string, ran: WorkerRun) => void, kept?: StepJobProgress): Promise<void> {
  // A job still waiting may hold the times of a worker that lost it (stalled): not this attempt's run.
  if (!TAKEN.has(await job.getState())) return;
  const worker = job.processedBy ?? (job.returnvalue as StepJobResult | null | undefined)?.worker;
  if (job.processedOn === undefined || !worker) return;
  nameWorker(worker, { startedAtMs: job.processedOn, ...(job.finishedOn !== undefined ? { endedAtMs: job.finishedOn } : {}) });
  // The job's progress is its last batch, which may be the empty one marking the end: the last with lines is kept apart.
  const progress = kept ?? (job.progress as Partial<StepJobProgress> | number | undefined);
  const lines = typeof progress === 'object' && Array.isArray(progress.lines) ? progress.lines : [];
  const before = typeof progress === 'object' ? progress.before : undefined;
  if (lines.length === 0) return;
  const said = `worker ${worker} ran this attempt while no ksa watched it`;
  // The lines before the stop were seen by the run that stopped (its log has them); those after it are lost.
  if (before === undefined) call.onOutput(`${said}: earlier output lines may not be kept here; the last ones Redis kept follow`, 'stderr');
  else if (before > 0) call.onOutput(`${said}: its first ${before} output lines are not kept here (those printed before the run stopped are above)`, 'stderr');
  else call.onOutput(`${said}: its output follows (lines printed before the run stopped may repeat)`, 'stderr');
  for (const { line, stream } of lines) call.onOutput(line, stream);
}

/**
 * A fan-out's parts taken over by a resume: the earliest part's start and, once every part had ended before the
 * resume watched it, the latest part's end (a part that runs on under the resume ends when it is heard).
 */
function fanOutRun(parts: readonly (WorkerRun | undefined)[]): WorkerRun | undefined {
  const ran = parts.filter((part): part is WorkerRun => part !== undefined);
  if (ran.length === 0) return undefined;
  const ends = ran.flatMap((part) => (part.endedAtMs === undefined ? [] : [part.endedAtMs]));
  const ended = ran.length === parts.length && ends.length === parts.length;
  return { startedAtMs: Math.min(...ran.map((part) => part.startedAtMs)), ...(ended ? { endedAtMs: Math.max(...ends) } : {}) };
}

/**
 * Runs a fan-out's parts (`runPart` on each worker). The step is named with the workers that took a part, as
 * each takes it (the first one starts it), not with every worker it was sent to: a part its worker never took,
 * or gave back unrun (it was stopping), did not run there. When a resume took some over, the step is named
 * again with their workers' times (fanOutRun), not the moment the resume collected them.
 */
export async function runParts(
  names: readonly string[],
  runPart: (name: string, onWorker: (worker: string, ran?: WorkerRun) => void) => Promise<unknown>,
  onWorker: ToolCall['onWorker'],
): Promise<PromiseSettledResult<unknown>[]> {
  const runs: (WorkerRun | undefined)[] = names.map(() => undefined);
  // Each part's own times as its worker ended it (heard live, maybe late): the step's duration is theirs.
  const ends: (WorkerRun | undefined)[] = names.map(() => undefined);
  const took = names.map(() => false);
  const takers = () => names.filter((_, i) => took[i]).join(',');
  const taken = (i: number, ran: WorkerRun | undefined) => {
    if (took[i] && ran?.live && ran.endedAtMs !== undefined) {
      ends[i] = ran;
      return;
    }
    runs[i] = ran;
    if (took[i]) return;
    took[i] = true;
    onWorker?.(takers());
  };
  const settled = await Promise.allSettled(names.map((name, i) => runPart(name, (_, ran) => taken(i, ran))));
  let gaveBack = false;
  settled.forEach((result, i) => {
    if (!took[i] || result.status !== 'rejected' || !saysPartNotRun(errorMessage(result.reason))) return;
    took[i] = false;
    gaveBack = true;
  });
  const ran = fanOutRun(runs);
  if ((ran || gaveBack) && takers() !== '') onWorker?.(takers(), ran);
  const measured = fanOutRun(names.map((_, i) => ends[i] ?? runs[i]).filter((_, i) => took[i]));
  if (measured?.endedAtMs !== undefined && takers() !== '') onWorker?.(takers(), { ...measured, live: true });
  return settled;
}
