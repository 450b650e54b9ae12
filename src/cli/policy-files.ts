import { readFile } from 'node:fs/promises';
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
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw new CliError({ message: `${file}: cannot read the policy file: ${code === 'EACCES' ? 'permission denied' : (error as Error).message}` });
    }
    // The parser loads only when there is a policy file to read.
    const { parsePolicy } = await import('../policy/rules/parse-policy.js');
    policies.push(parsePolicy(text.startsWith('\uFEFF') ? text.slice(1) : text, file));
  }
  return policies.length === 0 ? EMPTY_POLICY : combinePolicies(policies);
}
