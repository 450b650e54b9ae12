import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CONTAINER_ID, type StartedContainer } from '../tools/started-containers.js';
import { setAside } from './set-aside.js';

const CONTAINERS_FILE = 'containers.json';

/**
 * Records the containers a run's steps have started and not yet seen end (small, written
 * synchronously, as processes.json): after a crash resume and cancel remove them. No container,
 * no file.
 */
export function recordContainers(runDir: string, containers: readonly StartedContainer[]): void {
  const file = path.join(runDir, CONTAINERS_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    if (containers.length === 0) {
      rmSync(file, { force: true });
      return;
    }
    // Temp file + rename: a kill -9 mid-write leaves the old record, never an empty one.
    writeFileSync(temp, JSON.stringify({ containers: containers.map(({ binary, globals, id }) => ({ binary, globals, id })) }), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // Only a help after a crash: never worth failing a step for (nor leaving a temp file for).
    try {
      rmSync(temp, { force: true });
    } catch {
      // Left for the next write to replace.
    }
  }
}

/** The containers a crashed owner's steps left, to remove before its steps run again. */
export async function readContainers(runDir: string, onWarning: (message: string) => void = () => {}): Promise<StartedContainer[]> {
  const file = path.join(runDir, CONTAINERS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return [];
  }
  let containers: unknown;
  try {
    containers = (JSON.parse(text) as { containers?: unknown } | null)?.containers;
  } catch {
    containers = undefined;
  }
  if (Array.isArray(containers) && containers.every(isStartedContainer)) return containers;
  await setAside(file, 'is unreadable (not a list of containers)', 'went on without it: containers the interrupted run left running cannot be removed automatically; check with: podman ps (or docker ps)', onWarning);
  return [];
}

function isStartedContainer(value: unknown): value is StartedContainer {
  if (typeof value !== 'object' || value === null) return false;
  const { binary, globals, id } = value as Record<string, unknown>;
  return typeof binary === 'string' && binary !== '' && Array.isArray(globals) && globals.every((arg) => typeof arg === 'string') && typeof id === 'string' && CONTAINER_ID.test(id);
}
