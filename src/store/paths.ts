import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';

/** Where runs, conversations and config live: KSA_HOME, else the platform data dir. */
export function ksaHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.KSA_HOME?.trim();
  if (home) return path.resolve(home);
  return envPaths('ksa', { suffix: '' }).data;
}

export function runDir(home: string, runId: string): string {
  return path.join(home, 'runs', runId);
}

export function stepLogDir(home: string, runId: string): string {
  return path.join(runDir(home, runId), 'logs');
}

/** Private by default: other users on the machine must not read runs or conversations. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}
