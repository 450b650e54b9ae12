import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, type CliIO } from '../io.js';
import { parseWholeNumber } from '../options.js';
import { colorEnabled, createStyler, type Styler } from '../../tui/style.js';
import { openStores } from '../stores.js';
import type { RunListing } from '../../store/index.js';
import { durationBetween, formatWhen } from '../time-format.js';
import { visible } from '../../tui/visible-text.js';
import { plural } from '../../planning/plural.js';

export async function runsCommand(io: CliIO, flags: { json?: boolean; limit?: string }): Promise<ExitCodeValue> {
  const limit = parseWholeNumber(flags.limit, '--limit');
  const { runs } = openStores(io);
  const { runs: shown, total } = await runs.newest(limit);
  if (flags.json) {
    const doc = shown.map(({ effectiveStatus, owner, stoppedAt, ...summary }) => ({
      ...summary,
      ...(stoppedAt ? { stoppedAt } : {}),
      ...(summary.startedAt && (summary.endedAt ?? stoppedAt) ? { durationMs: Date.parse((summary.endedAt ?? stoppedAt)!) - Date.parse(summary.startedAt) } : {}),
      status: effectiveStatus,
      recordedStatus: summary.status,
      ...(owner ? { ownerPid: owner.pid } : {}),
    }));
    writeLine(io.stdout, JSON.stringify({ runs: doc }, null, 2));
    return ExitCode.ok;
  }
  if (shown.length === 0) {
    writeLine(io.stdout, 'No runs yet. Start one with: ksa run <plan>');
    return ExitCode.ok;
  }
  const style = createStyler(colorEnabled(io.stdout, io.env));
  const rows = shown.map((run) => [run.runId, run.effectiveStatus, formatWhen(run.startedAt ?? run.createdAt), runDuration(run), `${run.steps}`, visible(run.goal)]);
  const header = ['RUN', 'STATUS', 'STARTED', 'DURATION', 'STEPS', 'GOAL'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[], paint?: (status: string) => string) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : i === 1 && paint ? paint(cell.padEnd(widths[i]!)) : cell.padEnd(widths[i]!))).join('  ');
  writeLine(io.stdout, style.bold(line(header)));
  for (const row of rows) writeLine(io.stdout, line(row, (cell) => paintStatus(cell, style)));
  const older = total - shown.length;
  if (older > 0) writeLine(io.stdout, style.dim(`… ${plural(older, 'older run')} (ksa runs without --limit shows all)`));
  return ExitCode.ok;
}

/** How long it ran: a run whose process is gone ran until it last recorded anything, not until now. */
function runDuration(run: RunListing): string {
  if (run.endedAt || run.owner) return durationBetween(run.startedAt, run.endedAt);
  return run.stoppedAt ? `${run.stoppedAtKnown === false ? '≥ ' : ''}${durationBetween(run.startedAt, run.stoppedAt)}` : '–';
}

export function paintStatus(text: string, style: Styler): string {
  const status = text.trim();
  if (status === 'succeeded') return style.green(text);
  if (status === 'failed' || status === 'rollback_failed') return style.red(text);
  if (status === 'interrupted' || status === 'cancelled' || status === 'paused') return style.yellow(text);
  if (status === 'running') return style.cyan(text);
  return text;
}
