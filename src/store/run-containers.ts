import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTAINER_ID, type StartedContainer } from '../tools/started-containers.js';
import { writeCrashRecord } from './crash-record.js';
import { setAside } from './set-aside.js';

const CONTAINERS_FILE = 'containers.json';
const CHECK_BY_HAND = 'went on without it: containers the interrupted run left running cannot be removed automatically; check with: podman ps (or docker ps)';

/**
 * Records the containers a run's steps have started and not yet seen end (small, written
 * synchronously, as processes.json): after a crash resume and cancel remove them. No container,
 * no file.
 */
export function recordContainers(runDir: string, containers: readonly StartedContainer[]): void {
  const file = path.join(runDir, CONTAINERS_FILE);
  if (containers.length > 0) return writeCrashRecord(file, { containers: containers.map(({ binary, globals, id }) => ({ binary, globals, id })) });
  try {
    rmSync(file, { force: true });
  } catch {
    // Left for the next owner to find gone already.
  }
}

/** The containers a crashed owner's steps left, to remove before its steps run again. */
export async function readContainers(runDir: string, onWarning: (message: string) => void = () => {}): Promise<StartedContainer[]> {
  const file = path.join(runDir, CONTAINERS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    // A folder in its place, a file another user wrote: said, as a corrupt one is.
    await setAside(file, `cannot be read (${code ?? (error as Error).message})`, CHECK_BY_HAND, onWarning);
    return [];
  }
  let containers: unknown;
  try {
    containers = (JSON.parse(text) as { containers?: unknown } | null)?.containers;
  } catch {
    containers = undefined;
  }
  if (Array.isArray(containers) && containers.every(isStartedContainer)) return containers;
  await setAside(file, 'is unreadable (not a list of containers)', CHECK_BY_HAND, onWarning);
  return [];
}

function isStartedContainer(value: unknown): value is StartedContainer {
  if (typeof value !== 'object' || value === null) return false;
  const { binary, globals, id } = value as Record<string, unknown>;
  return typeof binary === 'string' && binary !== '' && Array.isArray(globals) && globals.every((arg) => typeof arg === 'string') && typeof id === 'string' && CONTAINER_ID.test(id);
}
