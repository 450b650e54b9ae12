import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CliError } from './errors.js';
import { isStreamPlan } from './stream-plan.js';

/**
 * The folder `--workspace` names, resolved against the current one, or `fallback` when the
 * flag is not given (the plan's folder or the current one, which exist). A missing folder,
 * or a file, is a usage error before anything is read from it: a mistyped workspace would
 * otherwise go unnoticed, its .ksa/policy.yaml deny rules and .mcp.json servers silently left out.
 */
export async function workspaceOption(cwd: string, given: string | undefined, fallback: string): Promise<string> {
  if (given === undefined) return fallback;
  // An unset variable ("--workspace $WS") is not this folder: say so rather than guess.
  if (given.trim() === '') throw new CliError({ message: '--workspace: empty; give a directory (--workspace . for this one)' });
  const dir = path.resolve(cwd, given);
  const info = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new CliError({ message: `--workspace ${dir}: no such directory` });
    throw new CliError({ message: `--workspace ${dir}: cannot be read (${error.code ?? error.message})` });
  });
  if (!info.isDirectory()) throw new CliError({ message: `--workspace ${dir}: not a directory` });
  return dir;
}

/** The workspace of a plan given without `--workspace`: its folder, or the current one for a plan read from a stream. */
export async function planFolder(cwd: string, file: string): Promise<string> {
  const absolute = path.resolve(cwd, file);
  const info = await stat(absolute).catch(() => undefined);
  return isStreamPlan(file, absolute, info) ? cwd : path.dirname(absolute);
}
