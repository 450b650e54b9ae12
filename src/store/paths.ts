import { chmod, lstat, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { homedir, userInfo } from 'node:os';
import { KsaError } from '../planning/ksa-error.js';
import { makeDirs } from './make-dirs.js';

/** Where runs, conversations and config live: KSA_HOME, else the platform data dir. */
export function ksaHome(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.KSA_HOME?.trim();
  if (home) return path.resolve(home);
  return platformDataDir(env, process.platform);
}

/**
 * The data dir env-paths names (XDG on Linux, Application Support on macOS, LOCALAPPDATA on Windows),
 * worked out on every call: env-paths reads the home folder once, when it is loaded, and `ksa validate`
 * starts from a heap saved at build time, where that was the home of whoever built ksa. A relative
 * XDG_DATA_HOME or LOCALAPPDATA is ignored (the XDG spec says so): each folder ksa ran in would get a store.
 */
export function platformDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const user = userHome(env);
  if (user === undefined) {
    throw new StoreLocationError('cannot tell where to keep runs and sessions: there is no home folder (HOME is not an absolute path, and this user has none in the password file); set KSA_HOME to a folder ksa can write', undefined);
  }
  const absolute = (value: string | undefined) => (value && (platform === 'win32' ? path.win32 : path.posix).isAbsolute(value) ? value : undefined);
  if (platform === 'darwin') return path.join(user, 'Library', 'Application Support', 'ksa');
  if (platform === 'win32') return path.join(absolute(env.LOCALAPPDATA) ?? path.join(user, 'AppData', 'Local'), 'ksa', 'Data');
  return path.join(absolute(env.XDG_DATA_HOME) ?? path.join(user, '.local', 'share'), 'ksa');
}

/**
 * The user's home folder, or undefined when there is none to be had: `os.homedir()` returns an empty or
 * relative HOME as it is, and throws for a user without a password entry (a container run as an
 * arbitrary uid, `env -i`). A relative one would put ksa's files in whatever folder it runs in.
 */
export function userHome(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.HOME && path.isAbsolute(env.HOME)) return env.HOME;
  try {
    const fromSystem = env.HOME === undefined ? homedir() : userInfo().homedir;
    if (fromSystem && path.isAbsolute(fromSystem)) return fromSystem;
  } catch {
    // No password entry for this uid.
  }
  return undefined;
}

/**
 * What a run id may be: one plain folder name under runs/, as ksa makes them (20261125-154900-3f2a).
 * An id given by a user or a model is checked against it before it becomes a path, so it never
 * names another file of the store: no `..` or `/`, no hidden name, no `index.json`.
 */
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

export function runDir(home: string, runId: string): string {
  return path.join(home, 'runs', runId);
}

export function stepLogDir(home: string, runId: string): string {
  return path.join(runDir(home, runId), 'logs');
}

/** Private by default: other users on the machine must not read runs or conversations. */
/**
 * `ownFolder`: a folder only ksa uses (runs/, a run's, conversations/): one found open to others (made
 * by hand, or under umask 000) is made private. KSA_HOME itself may be a folder the user chose; what ksa
 * puts in it is private either way.
 */
export async function ensurePrivateDir(dir: string, options: { readonly ownFolder?: boolean } = {}): Promise<void> {
  try {
    await makeDirs(dir, 0o700);
    if (options.ownFolder && ((await stat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A link to a folder that is not there (an unmounted disk) reads as ENOENT: say so, not that the file system refuses.
    const reason = (code === 'ENOENT' && (await danglingLinkOn(dir))) || storeFolderProblem(code);
    if (!reason) throw error;
    throw new StoreLocationError(`cannot create the folder ${dir}: ${reason}; ksa keeps runs and sessions in KSA_HOME (or the platform's data folder): point it at a folder ksa can write`, error);
  }
}

/** `…/store is a symbolic link to /mnt/x, which does not exist` for the first such link on the way to `dir`. */
async function danglingLinkOn(dir: string): Promise<string | undefined> {
  for (let at = dir; at !== path.dirname(at); at = path.dirname(at)) {
    const link = await lstat(at).catch(() => undefined);
    if (!link?.isSymbolicLink()) continue;
    if (await stat(at).then(() => true, () => false)) return undefined;
    return `${at} is a symbolic link to ${await readlink(at).catch(() => 'somewhere')}, which does not exist`;
  }
  return undefined;
}

/** Why a folder cannot be made, in words; undefined for what is not the location's fault. */
function storeFolderProblem(code: string | undefined): string | undefined {
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a file is in the way (part of the path is not a folder)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ELOOP':
      return 'there is a loop of symbolic links in the path';
    case 'ENOSPC':
      return 'the disk is full';
    // makeDirs saw the parent exist: the file system there takes no new folders (/proc, /sys).
    case 'ENOENT':
      return 'the file system there does not allow new folders';
    default:
      return undefined;
  }
}

/** The store's folder cannot be made: a setting to fix (exit 2), not a crash. */
export class StoreLocationError extends KsaError {
  constructor(message: string, cause: unknown) {
    super({ name: 'StoreLocationError', message, cause });
  }
}
