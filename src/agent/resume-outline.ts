import { doneStepIds, rollbackBegun, rollbackStandsAlone, undoneSteps, type Step, type StepState } from '../planning/index.js';
import type { LegacyRollbackReading } from '../store/index.js';
import { nextAttemptText } from '../planning/paused-text.js';

/**
 * What a resume of a stopped run keeps and what it runs again, and why: the first line counts the done
 * steps, the others (indented) name the steps that run again. `ksa resume` prints it and the chat's
 * `/resume` shows it with the plan, so both say the same. `legacy`: how an older ksa's record was read.
 */
export function resumeOutline(planSteps: readonly Step[], steps: Record<string, StepState>, onWorkers: boolean, legacy: LegacyRollbackReading | undefined): string[] {
  const order = planSteps.map((step) => step.id);
  // Its rollback began before the stop: what it did may be gone, so it runs again, and so do the
  // done steps that ran on what a rollback undid.
  const guessed = legacy && !legacy.certain ? legacy.stepIds : [];
  const unsure = order.filter((id) => steps[id] !== undefined && rollbackBegun(steps[id]) && !guessed.includes(id));
  const { builtOn } = undoneSteps({ steps }, { steps: planSteps });
  const done = doneStepIds({ steps }, { steps: planSteps });
  const again = order.filter((id) => steps[id]?.status === 'running');
  const rest = order.filter((id) => !done.includes(id) && !again.includes(id) && !unsure.includes(id) && !guessed.includes(id) && !builtOn.includes(id));
  const lines = [`Resuming: ${done.length} of ${order.length} steps are done and will not run again${done.length ? ` (${done.join(', ')})` : ''}.`];
  // Between attempts when the run stopped: nothing of it was running, it goes on with its next attempt.
  const waiting = again.filter((id) => steps[id]?.retryAt !== undefined);
  const cut = again.filter((id) => !waiting.includes(id));
  // A job a worker finished meanwhile is collected by its id, not run again.
  const sent = onWorkers ? cut.filter((id) => steps[id]?.worker !== undefined) : [];
  const here = cut.filter((id) => !sent.includes(id));
  for (const step of planSteps.filter((candidate) => waiting.includes(candidate.id))) lines.push(`  ${step.id} was waiting for its retry when the run stopped: ${nextAttemptText(step, steps[step.id]!)} runs next.`);
  if (unsure.length > 0) lines.push(`  ${unsure.join(', ')} had succeeded, but ${unsure.length > 1 ? 'their rollbacks' : 'its rollback'} began before the stop and may have undone ${unsure.length > 1 ? 'them' : 'it'}: ${unsure.length > 1 ? 'they run' : 'it runs'} again.`);
  // An older ksa's record that cannot tell whether its rollbacks began: read as if they had, the safe side.
  if (guessed.length > 0) lines.push(`  ${guessed.join(', ')} had succeeded, but an older ksa stopped this run while it was failing and did not record whether ${guessed.length > 1 ? 'their rollbacks' : 'its rollback'} began: ${guessed.length > 1 ? 'they' : 'it'} may have been undone, so ${guessed.length > 1 ? 'they run' : 'it runs'} again.`);
  if (builtOn.length > 0) lines.push(`  ${builtOn.join(', ')} ran on what a rollback undid: ${builtOn.length > 1 ? 'they run' : 'it runs'} again.`);
  if (here.length > 0) lines.push(`  ${here.join(', ')} ${here.length > 1 ? 'were' : 'was'} running when the run stopped and will run again.`);
  if (sent.length > 0) lines.push(`  ${sent.join(', ')} ${sent.length > 1 ? 'were' : 'was'} running on workers when the run stopped: a result given since is collected, not run again; if there is none, ${sent.length > 1 ? 'they run' : 'it runs'} again.`);
  // Cut short mid-attempt, it may have done its work: if it now fails, that is undone with the rest.
  const undone = planSteps.filter((step) => steps[step.id]?.status === 'running' && steps[step.id]?.retryAt === undefined && rollbackStandsAlone(step)).map((step) => step.id);
  if (undone.length > 0) lines.push(`  ${undone.join(', ')} may have done ${undone.length > 1 ? 'their' : 'its'} work before the stop: should ${undone.length > 1 ? 'they' : 'it'} fail now, ${undone.length > 1 ? 'their rollbacks run' : 'its rollback runs'} too.`);
  if (rest.length > 0) lines.push(`  Still to run: ${rest.join(', ')}.`);
  // A fan-out that did not succeed as a whole runs again, and what it did where it succeeded is still undone on a failure.
  for (const id of [...again, ...rest]) {
    const st = steps[id];
    if (st?.succeededOn && st.rollback?.status !== 'succeeded') {
      lines.push(`  ${id} had succeeded on ${Object.keys(st.succeededOn).join(', ')}: if the run fails or is cancelled, it is rolled back there.`);
    }
  }
  return lines;
}
