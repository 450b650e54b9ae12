import { lstat, readFile, readlink, stat } from 'node:fs/promises';
import path from 'node:path';
import { combinePolicies, EMPTY_POLICY, type Policy } from '../policy/rules/policy-rule.js';
import { CliError } from './errors.js';

/** The policy files that apply to a workspace, in order: the user's, then the workspace's. */
export function policyFiles(home: string, workspace: string): string[] {
  return [path.join(home, 'policy.yaml'), path.join(workspace, '.ksa', 'policy.yaml')];
}

/**
 * Reads `$KSA_HOME/policy.yaml` and `<workspace>/.ksa/policy.yaml` (either may
 * be missing). A malformed file is a PolicyFileError: one line, file:line, exit 2.
 */
export async function loadPolicy(home: string, workspace: string): Promise<Policy> {
  const policies: Policy[] = [];
  for (const file of policyFiles(home, workspace)) {
    let text: string;
    try {
      if (!(await readablePolicyFile(file))) continue;
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliError({ message: `${file}: cannot read the policy file: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}` });
    }
    // The parser loads only when there is a policy file to read.
    const { parsePolicy } = await import('../policy/rules/parse-policy.js');
    policies.push(parsePolicy(text.startsWith('\uFEFF') ? text.slice(1) : text, file));
  }
  return policies.length === 0 ? EMPTY_POLICY : combinePolicies(policies);
}

/** Larger than any list of rules; a file this big is not one. */
const MAX_POLICY_BYTES = 1024 * 1024;

/**
 * False when there is no policy file. Rules that cannot be read are an error, never no rules: a link
 * whose target is gone (a dotfiles folder not mounted), or what is not a regular file (a FIFO would
 * block every command for good, as a device would).
 */
async function readablePolicyFile(file: string): Promise<boolean> {
  const link = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
    throw error;
  });
  if (!link) return false;
  const target = await stat(file).catch(async (error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT' || !link.isSymbolicLink()) throw error;
    throw new CliError({ message: `${file}: cannot read the policy file: it is a link to ${await readlink(file)}, which does not exist` });
  });
  if (target.isDirectory()) throw new CliError({ message: `${file}: cannot read the policy file: it is a folder` });
  if (!target.isFile()) throw new CliError({ message: `${file}: cannot read the policy file: not a regular file (${target.isFIFO() ? 'a FIFO' : target.isSocket() ? 'a socket' : 'a device'})` });
  if (target.size > MAX_POLICY_BYTES) throw new CliError({ message: `${file}: cannot read the policy file: it is ${Math.round(target.size / 1024 / 1024)} MiB, not a list of rules` });
  return true;
}
