import type { RunEvent } from '../planning/index.js';
import { formatDuration } from '../tui/run-view-model.js';
import type { Styler } from '../tui/style.js';
import { plainText, visible } from '../tui/visible-text.js';
import { plural } from '../planning/plural.js';

/**
 * Without a terminal: one plain line per event, for logs and CI. `rollingBack`: ksa cancel
 * undoing a run whose process is gone, which the executor continues as a resumed run.
 */
export function createPlainProgress(write: (line: string, stepOutput?: boolean) => void, style: Styler, options: { showOutput: boolean; rollingBack?: boolean }): (event: RunEvent) => void {
  const start = (resumed: boolean) => (options.rollingBack ? 'cancelling, rolling back what succeeded' : resumed ? 'resumed' : 'started');
  const time = (ts: string) => style.dim(ts.slice(11, 19));
  return (event) => {
    const t = time(event.ts);
    switch (event.type) {
      case 'run_started':
        write(`${t} run ${event.runId} ${start(event.resumed)}: ${visible(event.goal)} (${plural(event.stepCount, 'step')})`);
        break;
      case 'step_started':
        write(`${t} ${style.cyan('▶')} ${event.stepId} started${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}${event.worker ? ` on ${event.worker}` : ''}`);
        break;
      case 'step_output':
        if (options.showOutput) write(`${t}   ${style.dim(`${event.stepId} |`)} ${plainText(event.line)}`, true);
        break;
      case 'step_retrying':
        write(`${t} ${style.yellow('↻')} ${event.stepId} attempt ${event.attempt} failed: ${plainText(event.error)}; retrying in ${formatDuration(event.delayMs)}`);
        break;
      case 'step_succeeded':
        write(`${t} ${style.green('✓')} ${event.stepId} succeeded in ${formatDuration(event.durationMs)}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}${event.worker ? ` on ${event.worker}` : ''}`);
        break;
      case 'step_failed':
        write(`${t} ${style.red('✗')} ${event.stepId} failed${event.attempt > 1 ? ` after ${event.attempt} attempts` : ''}: ${plainText(event.error)}`);
        break;
      case 'step_skipped':
        write(`${t} ${style.dim('○')} ${event.stepId} skipped: ${plainText(event.reason)}`);
        break;
      case 'step_cancelled':
        write(`${t} ${style.dim('⊘')} ${event.stepId} cancelled`);
        break;
      case 'run_paused':
        write(`${t} run paused: running steps finish, no new step starts`);
        break;
      case 'run_resumed':
        write(`${t} run resumed`);
        break;
      case 'rollback_started':
        write(`${t} ${style.yellow('↶')} rolling back, newest first: ${event.stepIds.join(', ')}`);
        break;
      case 'rollback_step_succeeded':
        write(`${t} ${style.yellow('↶')} ${event.stepId} rolled back${event.worker ? ` on ${event.worker.replaceAll(',', ', ')}` : ''}`);
        break;
      case 'rollback_step_failed':
        write(`${t} ${style.red('✗')} rollback of ${event.stepId} failed: ${plainText(event.error)}`);
        break;
      case 'run_finished':
        write(`${t} run ${event.runId} ${event.status} in ${formatDuration(event.durationMs)}`);
        break;
    }
  };
}
