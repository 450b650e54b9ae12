import { chmod, lstat, mkdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../planning/index.js';
import { KsaError } from '../planning/ksa-error.js';
import type { InvokeTool, Plan } from '../planning/index.js';
import { assessCallRisk, callNamesSettings, type RiskOptions } from '../policy/index.js';

/** A file that decides what later plans may do, and the folder it belongs under (the workspace, or ksa's home). */
interface GuardedFile {
  readonly file: string;
  readonly root: string;
}

/** The files that decide what later plans may do: the workspace's rules, and ksa's own settings. */
function guardedFiles(workspace: string, home: string): GuardedFile[] {
  return [
    ...['policy.yaml', 'policy.yml'].map((name) => ({ file: path.join(workspace, '.ksa', name), root: workspace })),
    ...['policy.yaml', 'policy.yml', 'config.json', 'mcp-trust.json'].map((name) => ({ file: path.join(home, name), root: home })),
  ];
}

/** A step changed one of those files though it was not approved as doing so; the file was put back. */
export class SettingsChangedError extends KsaError {
  constructor(message: string) {
    super({ name: 'SettingsChangedError', message });
  }
}

/** What a file held (null: it was not there) and its mode, and a folder on its way that was a link then. */
interface Held {
  readonly content: Buffer | null;
  readonly mode?: number;
  readonly link?: string;
}

type Snapshot = ReadonlyMap<string, Held>;

/**
 * A step on this machine approved as a plain write must not change the rules of later plans: the risk levels read a line as
 * written, and there are always more spellings (`ln -s .k* cfg`, `.k"sa"`, a link a repository ships, a value put
 * into the line) than a reading can know. So the files themselves are watched: what they held before a local
 * call is compared after it, and a change by a step that did not say it would is put back and fails the step. A
 * step says so by naming the file or its folder where the rating looks, and being a destroy step (always asked),
 * whichever part of its line made it one (`rm -rf build && … > .ksa/policy.yaml`, `rm -rf .ksa`). Such a step may
 * change them; while one runs, the others are not judged.
 */
export function withSettingsGuard(invoke: InvokeTool, options: { readonly plan: Plan; readonly workspace: string; readonly home: string; readonly risk: RiskOptions }): InvokeTool {
  const files = guardedFiles(options.workspace, options.home);
  const allowed = new Map<string, Promise<{ permitted: boolean; level: string }>>();
  const mayChange = (stepId: string, phase: 'run' | 'rollback') => {
    const key = `${phase}:${stepId}`;
    let found = allowed.get(key);
    if (!found) {
      const step = options.plan.steps.find((candidate) => candidate.id === stepId);
      const call = step === undefined || step.type === 'llm_query' || step.type === 'condition' ? undefined : phase === 'run' ? step : step.rollback;
      found = call
        ? assessCallRisk(call.tool, call.args, options.risk).then((risk) => ({ permitted: risk.level === 'destroy' && callNamesSettings(call.tool, call.args, options.risk), level: risk.level }))
        : Promise.resolve({ permitted: false, level: 'write' });
      allowed.set(key, found);
    }
    return found;
  };
  let permittedRunning = 0;
  // What the files held before the run, or after the last step allowed to change them. Each step is held to it,
  // not to what it found when it started: a step that started after another changed a file would put that back.
  let baseline: Promise<Snapshot> | undefined;
  return async (call) => {
    baseline ??= snapshot(files);
    const { permitted, level } = await mayChange(call.stepId, call.phase);
    if (permitted) {
      permittedRunning++;
      try {
        return await invoke(call);
      } finally {
        if (--permittedRunning === 0) baseline = snapshot(files);
      }
    }
    await baseline;
    const result = await invoke(call).finally(async () => {
      if (permittedRunning > 0) return;
      const before = await baseline!;
      const found = await changedFiles(files, before);
      if (found.length === 0) return;
      const changed = found.map((change) => change.file);
      // Removed (git clean -fdx, rm -rf .ksa): the run keeps the rules it was approved under, so they are put back too.
      const removed = found.every((change) => change.removed);
      const verb = removed ? 'removed' : 'changed';
      const kept = await Promise.all(
        found.map(({ file, root }) =>
          restore(file, root, before.get(file)!).catch((error: unknown) => {
            const problem = restoreProblem(error);
            throw new SettingsChangedError(
              `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''} ${verb} ${changed.join(', ')}, which its plan did not say it would (it was approved as a ${level} step), and ksa could not put ${file} back: ${problem.why}. The run keeps the rules it started with; ${problem.remedy} before the next run`,
            );
          }),
        ),
      );
      const keptNote = kept.some((copy) => copy !== undefined)
        ? ` The changed ${changed.length === 1 ? 'file is' : 'files are'} kept as ${kept.filter((copy) => copy !== undefined).join(', ')}: if you changed ${changed.length === 1 ? 'it' : 'them'} yourself meanwhile, move ${changed.length === 1 ? 'it' : 'them'} back once the run has ended.`
        : '';
      throw new SettingsChangedError(
        `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''} ${verb} ${changed.join(', ')}, which its plan did not say it would (it was approved as a ${level} step): ksa put ${changed.length === 1 ? 'it' : 'them'} back.${keptNote} A step that is to change ksa's rules names the file or its folder, and is then a destroy step, always asked`,
      );
    });
    return result;
  };
}

async function snapshot(files: readonly GuardedFile[]): Promise<Snapshot> {
  return new Map(
    await Promise.all(
      files.map(async ({ file, root }) => {
        const [content, mode, link] = await Promise.all([readFile(file).catch(() => null), stat(file).then((stats) => stats.mode & 0o7777, () => undefined), linkOnTheWay(file, root)]);
        return [file, { content, ...(content !== null && mode !== undefined ? { mode } : {}), ...(link !== undefined ? { link } : {}) }] as const;
      }),
    ),
  );
}

async function changedFiles(files: readonly GuardedFile[], before: Snapshot): Promise<{ readonly file: string; readonly root: string; readonly removed: boolean }[]> {
  const changed: { file: string; root: string; removed: boolean }[] = [];
  for (const { file, root } of files) {
    const was = before.get(file)!;
    const now = await lstat(file).then((stats) => (stats.isFile() ? readFile(file) : Buffer.from('not a file')), () => null);
    // A folder on the way made a link (`.ksa -> /elsewhere`) is a new way to the rules, even to the same text.
    const relinked = was.content !== null && was.link === undefined && (await linkOnTheWay(file, root)) !== undefined;
    if (relinked || (was.content === null ? now !== null : now === null || !now.equals(was.content))) changed.push({ file, root, removed: now === null && was.content !== null });
  }
  return changed;
}

/** The first folder between `root` and `file` that is a symbolic link (`.ksa -> /elsewhere`), if any. */
async function linkOnTheWay(file: string, root: string): Promise<string | undefined> {
  const folders = path.relative(root, path.dirname(file)).split(path.sep).filter((part) => part !== '');
  let folder = root;
  for (const part of folders) {
    folder = path.join(folder, part);
    const stats = await lstat(folder).catch(() => undefined);
    if (stats === undefined) return undefined;
    if (stats.isSymbolicLink()) return folder;
  }
  return undefined;
}

/** A folder on the way to a file that is a link now: ksa does not write through it. */
class LinkOnTheWayError extends Error {
  constructor(
    readonly folder: string,
    readonly target: string,
    readonly before: boolean,
  ) {
    super(`${folder} is a link to ${target}`);
  }
}

/**
 * Puts a file back as it was: its content and mode, or gone if it was not there. What was found in its place
 * is kept beside it (`<file>.changed-<time>`), never lost: it may be a change the user made meanwhile. Nothing is
 * written through a folder that is a link: it may lead out of the workspace (`.ksa -> /elsewhere`).
 */
async function restore(file: string, root: string, was: Held): Promise<string | undefined> {
  const link = await linkOnTheWay(file, root);
  if (link !== undefined) throw new LinkOnTheWayError(link, await readlink(link).catch(() => 'a place ksa cannot read'), was.link !== undefined);
  const stats = await lstat(file).catch(() => undefined);
  let kept: string | undefined;
  if (stats) {
    const copy = `${file}.changed-${new Date().toISOString().replaceAll(':', '').replace('.', '-')}`;
    if (await rename(file, copy).then(() => true, () => false)) {
      kept = copy;
      // config.json may hold a key: the copy is as private as the file.
      if (stats.isFile()) await chmod(copy, 0o600);
    } else {
      await rm(file, { recursive: true, force: true });
    }
  }
  if (was.content !== null) {
    // The step may have removed the folder with the file (.ksa/ by git clean -fdx): it is made again.
    await mkdir(path.dirname(file), { recursive: true });
    // Written private, then given the mode it had: a key in config.json is never readable by others on the way.
    await writeFile(file, was.content, { mode: 0o600 });
    if (was.mode !== undefined) await chmod(file, was.mode);
  }
  return kept;
}

/** Why a file could not be put back, in words, and what the user does about it. */
function restoreProblem(error: unknown): { readonly why: string; readonly remedy: string } {
  const remedy = 'put the file back';
  if (error instanceof LinkOnTheWayError) {
    return {
      why: `${error.folder} is ${error.before ? '' : 'now '}a link to ${error.target}, and ksa writes nothing through a link`,
      remedy: `replace the link ${error.folder} with a folder that holds the file`,
    };
  }
  const { code, path: where } = error as NodeJS.ErrnoException;
  const place = where ?? 'its folder';
  if (code === 'ENOTDIR' || code === 'EEXIST') return { why: `${place} is not a folder now`, remedy };
  if (code === 'EACCES' || code === 'EPERM') return { why: `permission denied on ${place}`, remedy };
  if (code === 'EROFS') return { why: `${place} is on a read-only file system`, remedy };
  if (code === 'ENOSPC') return { why: 'the disk is full', remedy };
  return { why: errorMessage(error), remedy };
}
