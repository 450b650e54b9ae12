import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { KsaError } from '../planning/ksa-error.js';

export class RunNotFoundError extends KsaError {
  constructor({ runId, reason }: { runId: string; reason?: string }) {
    super({ name: 'RunNotFoundError', message: reason ?? `no run "${runId}" (list them with: ksa runs)` });
  }
}

/** A run whose run.json an earlier read found corrupt has only the file set aside then: say so, not "no run". */
export async function setAsideBefore(dir: string): Promise<string | undefined> {
  const backups = await readdir(dir).then(
    (names) => names.filter((name) => name.startsWith('run.json.corrupt-')).sort(),
    () => [],
  );
  const latest = backups.at(-1);
  return latest ? `its run.json was found corrupt earlier and is kept as ${path.join(dir, latest)}` : undefined;
}
