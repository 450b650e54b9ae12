import { createHash } from 'node:crypto';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ancestorsOf } from '../tools/process-identity.js';

/**
 * ksa's own changes to its settings files (`ksa mcp trust`), noted in `$KSA_HOME/.settings-writes.ndjson`
 * so that the watch around a running step (agent/settings-guard.ts) can tell a trust given from another
 * terminal from a change the step made. Each note has the content's hash and the writer's ancestry: a
 * `ksa mcp trust` that a step started descends from the ksa running that step, and is not taken as
 * the user's.
 */
const JOURNAL = '.settings-writes.ndjson';
const KEEP = 50;

type Note = { readonly file: string; readonly sha256: string; readonly ancestors: readonly number[] | null; readonly at: number };

export async function noteSettingsWrite(home: string, file: string): Promise<void> {
  try {
    const note: Note = { file, sha256: sha256(await readFile(file)), ancestors: ancestorsOf(process.pid) ?? null, at: Date.now() };
    const journal = path.join(home, JOURNAL);
    const earlier = await readNotes(journal);
    // Kept short: only notes made while a step may still be running matter.
    if (earlier.length >= KEEP) await writeFile(journal, [...earlier.slice(-(KEEP - 1)), note].map((entry) => `${JSON.stringify(entry)}\n`).join(''), { mode: 0o600 });
    else await appendFile(journal, `${JSON.stringify(note)}\n`, { mode: 0o600 });
  } catch {
    // Without the note, a step running meanwhile is taken to have made the change: safe, only stricter.
  }
}

/** Whether `content` of `file` is what a ksa process outside this one's family wrote at or after `since`. */
export async function writtenByAnotherKsa(home: string, file: string, content: Buffer, since: number): Promise<boolean> {
  const hash = sha256(content);
  const notes = await readNotes(path.join(home, JOURNAL));
  return notes.some((note) => note.file === file && note.sha256 === hash && note.at >= since && Array.isArray(note.ancestors) && !note.ancestors.includes(process.pid));
}

async function readNotes(journal: string): Promise<Note[]> {
  const text = await readFile(journal, 'utf8').catch(() => '');
  return text.split('\n').flatMap((line) => {
    try {
      const note = JSON.parse(line) as Note;
      return typeof note.file === 'string' && typeof note.sha256 === 'string' && typeof note.at === 'number' ? [note] : [];
    } catch {
      return [];
    }
  });
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
