import { chmod, lstat, mkdir, readFile, readlink, realpath, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage } from '../planning/index.js';
import { KsaError } from '../planning/ksa-error.js';
import type { InvokeTool, Plan } from '../planning/index.js';
import { assessCallRisk, callNamesSettings, type RiskOptions } from '../policy/index.js';

/** A file that decides what later plans may do, and the folder it belongs under (the workspace, or ksa's home). */
interface GuardedFile {
  readonly file: string;
  readonly root: string;
  /** The root in words, for a message: "the workspace". */
  readonly place: string;
}

/** The files that decide what later plans may do: the workspace's rules, and ksa's own settings. */
function guardedFiles(workspace: string, home: string): GuardedFile[] {
  return [
    ...['policy.yaml', 'policy.yml'].map((name) => ({ file: path.join(workspace, '.ksa', name), root: workspace, place: 'the workspace' })),
    ...['policy.yaml', 'policy.yml', 'config.json', 'mcp-trust.json'].map((name) => ({ file: path.join(home, name), root: home, place: "ksa's home" })),
  ];
}

/** A step changed one of those files though it was not approved as doing so; the file was put back. */
export class SettingsChangedError extends KsaError {
  constructor(message: string) {
    super({ name: 'SettingsChangedError', message });
  }
}

/**
 * What a file held (null: it was not there) and its mode, and the first link on its way then: a `.ksa` folder that is
 * a link, or the file itself (a policy shared by several workspaces, one a dotfiles manager links into ksa's home).
 */
interface Held {
  readonly content: Buffer | null;
  readonly mode?: number;
  readonly link?: HeldLink;
}

/** A link as it was: where it is, what it said (readlink), and the file read through it, for a message. */
interface HeldLink {
  readonly path: string;
  readonly target: string;
  readonly leadsTo: string;
}

/**
 * A change found after a step. `relinked`: a link held at the start now leads elsewhere or is gone (`file` is then
 * that link); `shared`: that link is as it was, but what it leads to changed, which ksa does not write.
 */
interface Change {
  readonly file: string;
  readonly guarded: GuardedFile;
  readonly removed: boolean;
  readonly kind: 'file' | 'relinked' | 'shared';
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
      const who = `step ${call.stepId}${call.phase === 'rollback' ? "'s rollback" : ''}`;
      const changed = [...new Set(found.map((change) => change.file))];
      // Removed (git clean -fdx, rm -rf .ksa): the run keeps the rules it was approved under, so they are put back too.
      const verb = found.every((change) => change.removed) ? 'removed' : 'changed';
      const shared = found.filter((change) => change.kind === 'shared');
      const kept: string[] = [];
      // One after another: the files under one `.ksa` link share it, and the second finds it already put back.
      for (const change of found.filter((candidate) => candidate.kind !== 'shared')) {
        const was = before.get(change.guarded.file)!;
        try {
          if (change.kind === 'relinked') {
            const outcome = await restoreLink(change.guarded, was);
            if (outcome.kept !== undefined) kept.push(outcome.kept);
            // The link leads where it did, but a step that retargeted it may also have changed what it leads to.
            if (!outcome.same) shared.push({ file: change.guarded.file, guarded: change.guarded, removed: outcome.gone, kind: 'shared' });
          } else {
            const copy = await restore(change.guarded.file, change.guarded.root, was);
            if (copy !== undefined) kept.push(copy);
          }
        } catch (error) {
          const problem = restoreProblem(error);
          throw new SettingsChangedError(
            `${who} ${verb} ${changed.join(', ')}, which its plan did not say it would (it was approved as a ${level} step), and ksa could not put ${change.file} back: ${problem.why}. The run keeps the rules it started with; ${problem.remedy} before the next run`,
          );
        }
      }
      if (shared.length > 0) throw new SettingsChangedError(sharedChangeMessage(who, level, shared, before, changed.filter((file) => !shared.some((change) => change.file === file))));
      const keptNote =
        kept.length > 0
          ? ` The changed ${changed.length === 1 ? 'file is' : 'files are'} kept as ${kept.join(', ')}: if you changed ${changed.length === 1 ? 'it' : 'them'} yourself meanwhile, move ${changed.length === 1 ? 'it' : 'them'} back once the run has ended.`
          : '';
      throw new SettingsChangedError(
        `${who} ${verb} ${changed.join(', ')}, which its plan did not say it would (it was approved as a ${level} step): ksa put ${changed.length === 1 ? 'it' : 'them'} back.${keptNote} A step that is to change ksa's rules names the file or its folder, and is then a destroy step, always asked`,
      );
    });
    return result;
  };
}

/**
 * What a link held at the start leads to was changed by the step. It lies outside what ksa guards (another folder, a
 * dotfiles repository): writing the old text back would write through the link into a file ksa does not own, and
 * undo an edit made there for every workspace that shares it. So nothing is written; the user puts it back.
 */
function sharedChangeMessage(who: string, level: string, shared: readonly Change[], before: Snapshot, putBack: readonly string[]): string {
  const targets = shared.map((change) => before.get(change.guarded.file)!.link!.leadsTo);
  const links = [...new Set(shared.map((change) => before.get(change.guarded.file)!.link!.path))];
  const places = [...new Set(shared.map((change) => change.guarded.place))];
  const kind = shared.every((change) => path.basename(change.guarded.file).startsWith('policy.')) ? 'policy' : 'settings';
  const one = targets.length === 1;
  const verb = shared.every((change) => change.removed) ? 'removed' : 'changed';
  const restored = putBack.length > 0 ? `; ksa put ${putBack.join(', ')} back` : '';
  return `${who} ${verb} the shared ${kind} ${one ? 'file' : 'files'} ${targets.join(', ')} (read through the link ${links.join(', ')}), which its plan did not say it would (it was approved as a ${level} step). ksa writes nothing through a link or outside ${places.join(' or ')}, so ${one ? 'it is' : 'they are'} as the step left ${one ? 'it' : 'them'}${restored}. The run keeps the rules it started with; put ${targets.join(', ')} back before the next run`;
}

async function snapshot(files: readonly GuardedFile[]): Promise<Snapshot> {
  return new Map(
    await Promise.all(
      files.map(async ({ file, root }) => {
        const [content, mode, link] = await Promise.all([readFile(file).catch(() => null), stat(file).then((stats) => stats.mode & 0o7777, () => undefined), heldLink(file, root)]);
        return [file, { content, ...(content !== null && mode !== undefined ? { mode } : {}), ...(link !== undefined ? { link } : {}) }] as const;
      }),
    ),
  );
}

/** The first link on the way to `file` from `root`, the file itself included, as it is now. */
async function heldLink(file: string, root: string): Promise<HeldLink | undefined> {
  const found = (await linkOnTheWay(file, root)) ?? ((await lstat(file).then((stats) => stats.isSymbolicLink(), () => false)) ? file : undefined);
  if (found === undefined) return undefined;
  const target = await readlink(found).catch(() => undefined);
  if (target === undefined) return undefined;
  const leadsTo = path.join(await realpath(found).catch(() => path.resolve(path.dirname(found), target)), path.relative(found, file));
  return { path: found, target, leadsTo };
}

async function changedFiles(files: readonly GuardedFile[], before: Snapshot): Promise<Change[]> {
  const changed: Change[] = [];
  for (const guarded of files) {
    const { file, root } = guarded;
    const was = before.get(file)!;
    if (was.link !== undefined) {
      const now = await heldLink(file, root);
      if (now?.path !== was.link.path || now.target !== was.link.target) {
        changed.push({ file: was.link.path, guarded, removed: await lstat(was.link.path).then(() => false, () => true), kind: 'relinked' });
      } else {
        const content = await readFile(file).catch(() => null);
        if (!sameContent(content, was.content)) changed.push({ file, guarded, removed: content === null, kind: 'shared' });
      }
      continue;
    }
    const now = await lstat(file).then((stats) => (stats.isFile() ? readFile(file) : Buffer.from('not a file')), () => null);
    // A folder on the way made a link (`.ksa -> /elsewhere`) is a new way to the rules, even to the same text.
    const relinked = was.content !== null && (await linkOnTheWay(file, root)) !== undefined;
    if (relinked || !sameContent(now, was.content)) changed.push({ file, guarded, removed: now === null && was.content !== null, kind: 'file' });
  }
  return changed;
}

function sameContent(now: Buffer | null, was: Buffer | null): boolean {
  return was === null ? now === null : now !== null && now.equals(was);
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

/** A folder on the way to a file that is a link now, though it was not when the run started: ksa does not write through it. */
class LinkOnTheWayError extends Error {
  constructor(
    readonly folder: string,
    readonly target: string,
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
  if (link !== undefined) throw new LinkOnTheWayError(link, await readlink(link).catch(() => 'a place ksa cannot read'));
  const kept = await moveAside(file);
  if (was.content !== null) {
    // The step may have removed the folder with the file (.ksa/ by git clean -fdx): it is made again.
    await mkdir(path.dirname(file), { recursive: true });
    // Written private, then given the mode it had: a key in config.json is never readable by others on the way.
    await writeFile(file, was.content, { mode: 0o600 });
    if (was.mode !== undefined) await chmod(file, was.mode);
  }
  return kept;
}

/**
 * Puts a link held at the start back as the same link (what it said, relative or not), never a copy of what it
 * led to: later edits of the shared file are to apply. Whether what it leads to still reads as it did is told back.
 */
async function restoreLink(guarded: GuardedFile, was: Held): Promise<{ readonly kept?: string; readonly same: boolean; readonly gone: boolean }> {
  const link = was.link!;
  const onTheWay = await linkOnTheWay(link.path, guarded.root);
  if (onTheWay !== undefined) throw new LinkOnTheWayError(onTheWay, await readlink(onTheWay).catch(() => 'a place ksa cannot read'));
  let kept: string | undefined;
  if ((await readlink(link.path).catch(() => undefined)) !== link.target) {
    kept = await moveAside(link.path);
    await mkdir(path.dirname(link.path), { recursive: true });
    await symlink(link.target, link.path);
  }
  const now = await readFile(guarded.file).catch(() => null);
  return { ...(kept !== undefined ? { kept } : {}), same: sameContent(now, was.content), gone: now === null && was.content !== null };
}

/** Moves what stands at `file` aside to `<file>.changed-<time>`, or removes it where it cannot be moved. */
async function moveAside(file: string): Promise<string | undefined> {
  const stats = await lstat(file).catch(() => undefined);
  if (stats === undefined) return undefined;
  const copy = `${file}.changed-${new Date().toISOString().replaceAll(':', '').replace('.', '-')}`;
  if (await rename(file, copy).then(() => true, () => false)) {
    // config.json may hold a key: the copy is as private as the file.
    if (stats.isFile()) await chmod(copy, 0o600);
    return copy;
  }
  await rm(file, { recursive: true, force: true });
  return undefined;
}

/** Why a file could not be put back, in words, and what the user does about it. */
function restoreProblem(error: unknown): { readonly why: string; readonly remedy: string } {
  const remedy = 'put the file back';
  if (error instanceof LinkOnTheWayError) {
    return {
      why: `${error.folder} is now a link to ${error.target}, and ksa writes nothing through a link`,
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
