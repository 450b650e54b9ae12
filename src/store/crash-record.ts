import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Writes one of the small records that only help after a crash (what a run or worker has
 * running: processes.json, containers.json), synchronously, so it is on disk before the
 * next thing can happen. Through a temp file and a rename: a kill -9 mid-write leaves the
 * old record, never an empty one. A record that cannot be written is never worth failing
 * a step for (nor leaving a temp file for).
 */
export function writeCrashRecord(file: string, value: unknown): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(value), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Left for the next write to replace.
    }
  }
}
