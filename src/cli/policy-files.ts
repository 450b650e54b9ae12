import { existsSync } from 'node:fs';
import path from 'node:path';
import { readTextPrefix } from '../agent/text-prefix.js';
import { unreadableFolder } from '../store/regular-file.js';
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
    // Read as AGENTS.md is: only a regular file (a FIFO would block every command for good), only so far,
    // only as text. Rules that cannot be read are an error, never no rules (a link whose target is gone).
    const found = await readTextPrefix(file, MAX_POLICY_BYTES);
    if (found.kind === 'missing') continue;
    if (found.kind === 'unusable') {
      // The workspace itself may be what cannot be read (a folder without read or search permission): say that.
      const inWorkspace = file === path.join(workspace, '.ksa', 'policy.yaml');
      const why = await unreadableFolder(inWorkspace ? workspace : home);
      if (why === undefined) throw new CliError({ message: `${file}: cannot read the policy file: ${found.reason}` });
      throw new CliError({
        message: inWorkspace
          ? `the workspace folder ${workspace} cannot be read (${why}), so neither can its .ksa/policy.yaml; run ksa from a folder you can read, or give --workspace`
          : `KSA_HOME ${home} cannot be read (${why}), so neither can its policy.yaml; point KSA_HOME at a folder ksa can use`,
      });
    }
    if (!found.complete) throw new CliError({ message: `${file}: cannot read the policy file: it is ${Math.round(found.bytes / 1024 / 1024)} MiB, not a list of rules` });
    // The parser loads only when there is a policy file to read.
    const { parsePolicy } = await import('../policy/rules/parse-policy.js');
    policies.push(parsePolicy(found.text, file));
  }
  return { ...(policies.length === 0 ? EMPTY_POLICY : combinePolicies(policies)), workspace: path.resolve(workspace) };
}

/**
 * A plan in a subfolder has that folder as its workspace, so the current folder's `.ksa/policy.yaml` (a repository's
 * rules, with its plans in `deploy/`) does not hold for it: said in one line, as nothing else would say it.
 */
export function unappliedPolicyNote(cwd: string, workspace: string): string | undefined {
  const here = path.resolve(cwd);
  const folder = path.relative(here, path.resolve(workspace));
  if (folder === '' || folder.startsWith('..') || path.isAbsolute(folder)) return undefined;
  if (!existsSync(path.join(here, '.ksa', 'policy.yaml'))) return undefined;
  return `ksa: note: ./.ksa/policy.yaml does not apply to this plan: its workspace is ${folder}/ (the plan's folder); pass --workspace . to apply it\n`;
}

/** Larger than any list of rules; a file this big is not one. */
const MAX_POLICY_BYTES = 1024 * 1024;
