import type { RunStatus } from '../planning/index.js';
import { countByStatus, formatDuration, STATUS_ICONS, type RunView, type StepView } from '../tui/run-view-model.js';
import type { Styler } from '../tui/style.js';
import { plainText, visible } from '../tui/visible-text.js';
import { plural } from '../planning/plural.js';

/** The end-of-run report: every step's status, attempts and duration, and every rollback result. */
export function formatSummary(view: RunView, style: Styler, options: { logDir?: string } = {}): string[] {
  const lines: string[] = [''];
  const width = Math.min(32, Math.max(...view.order.map((id) => id.length)));
  const rolledBack = view.rollbackStepIds.length > 0 ? ` (rolled back ${plural(view.rollbackStepIds.length, 'step')})` : '';
  lines.push(style.bold(`${headline(view.status, style)}${view.status === 'failed' || view.status === 'cancelled' ? rolledBack : ''}  ${visible(view.goal)}`));
  for (const id of view.order) {
    const step = view.steps.get(id)!;
    const attempts = step.attempt > 1 ? `${step.attempt} attempts` : step.attempt === 1 ? '1 attempt' : '';
    const columns = [
      `  ${paint(step, style)}`,
      id.padEnd(width),
      step.status.replace('_', ' ').padEnd(11),
      formatDuration(step.durationMs).padStart(7),
      attempts.padEnd(10),
    ];
    let detail = '';
    // Errors carry a command's last words (stderr): its colours are dropped and its escapes shown, as in the live view.
    if (step.status === 'failed' && step.error) detail = style.red(plainText(step.error));
    // A fan-out that failed or was cancelled is undone where it had succeeded, and keeps its status.
    if ((step.status === 'failed' || step.status === 'cancelled') && step.rollback?.status === 'succeeded') detail += style.yellow(`${detail ? ' · ' : ''}rolled back${on(step.rollback.worker)}`);
    else if (step.status === 'skipped' && step.skipReason) detail = style.dim(step.skipReason);
    if (step.rollback?.status === 'failed') detail = style.red(`rollback failed: ${plainText(step.rollback.error ?? '')}`);
    lines.push(`${columns.join(' ')} ${detail}`.trimEnd());
  }
  const counts = countByStatus(view);
  const parts = (['succeeded', 'failed', 'skipped', 'cancelled', 'rolled_back'] as const)
    .filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status.replace('_', ' ')}`);
  lines.push(`  ${parts.join(', ')} · total ${formatDuration(view.durationMs)} · run ${view.runId}`);
  if (view.error && view.status !== 'succeeded') lines.push(`  ${style.red(plainText(view.error))}`);
  if (options.logDir && view.status !== 'succeeded') lines.push(style.dim(`  full step logs: ${options.logDir}`));
  return lines;
}

function on(worker: string | undefined): string {
  return worker ? ` on ${worker.replaceAll(',', ', ')}` : '';
}

function headline(status: RunStatus, style: Styler): string {
  switch (status) {
    case 'succeeded':
      return style.green('✓ Run succeeded');
    case 'failed':
      return style.red('✗ Run failed');
    case 'rollback_failed':
      return style.red('✗ Run failed and a rollback failed: check the steps marked below');
    case 'cancelled':
      return style.yellow('⊘ Run cancelled');
    default:
      return `Run ${status}`;
  }
}

function paint(step: StepView, style: Styler): string {
  const icon = STATUS_ICONS[step.status];
  switch (step.status) {
    case 'succeeded':
      return style.green(icon);
    case 'failed':
      return style.red(icon);
    case 'rolled_back':
    case 'retrying':
      return style.yellow(icon);
    default:
      return style.dim(icon);
  }
}
