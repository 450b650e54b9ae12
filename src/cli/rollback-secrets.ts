import { templateInputReads } from '../planning/index.js';
import { describeMaskedOutputReads, describeMaskedSteps, maskedOutputReadsOnCancel, maskedRollbacks, secretInputsNotGiven, type RunRecord } from '../store/index.js';
import { CliError } from './errors.js';

/**
 * The rollbacks a cancel runs get the inputs the run was given, but a secret one was never stored (it reads `***`):
 * a rollback that reads it would run with those three stars in place of the password. Such an input must be given
 * again (`--input name=…`), as `ksa resume` asks; refused before anything is rolled back.
 */
export function refuseMissingRollbackSecrets(runId: string, record: RunRecord, undo: readonly string[], given: Readonly<Record<string, unknown>>): void {
  const { plan } = record;
  // A secret written into a rollback itself cannot be given again: that step is the user's to undo.
  // Nor one a step printed, stored as ***, that a rollback reads.
  const masked = maskedRollbacks(plan, undo, record.masked);
  const reads = maskedOutputReadsOnCancel(plan, record.state, undo, record.masked);
  if (masked.length > 0 || reads.length > 0) {
    const steps = [...new Set([...masked.map((each) => each.step), ...reads.map((read) => read.reader)])].join(', ');
    const why = [...(masked.length > 0 ? [describeMaskedSteps(masked)] : []), ...(reads.length > 0 ? [describeMaskedOutputReads(reads)] : [])].join('; ');
    throw new CliError({ message: `run ${runId} cannot be rolled back here: ${why}; nothing was rolled back. Undo ${steps} by hand` });
  }
  const missing = secretInputsNotGiven(record, given);
  if (missing.length === 0) return;
  const readers = new Map<string, string>();
  for (const id of undo) {
    const step = plan.steps.find((candidate) => candidate.id === id);
    const rollback = step && 'rollback' in step ? step.rollback : undefined;
    if (!rollback) continue;
    // Its arguments as the rollback renders them: only what their templates read.
    const reads = templateInputReads(rollback.args);
    for (const name of missing) if ((reads.any || reads.names.includes(name)) && !readers.has(name)) readers.set(name, id);
  }
  if (readers.size === 0) return;
  const names = [...readers.keys()];
  const what = names.map((name) => `${name} (the rollback of ${readers.get(name)} reads it)`).join(', ');
  throw new CliError({ message: `input${names.length > 1 ? 's' : ''} ${what} ${names.length > 1 ? 'were' : 'was'} not stored (they hold secrets); pass ${names.map((name) => `--input ${name}=\u2026`).join(' ')} again` });
}

