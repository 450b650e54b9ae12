import { errorMessage } from '../planning/index.js';
import { callRefusal, type HandedCall } from '../policy/rules/call-refusal.js';
import { describeRuleWithSource, type Policy } from '../policy/rules/policy-rule.js';
import { riskOptions, type ToolRegistry } from '../tools/index.js';
import { DENIED_ON_WORKER } from '../workers/index.js';
import { loadPolicy } from './policy-files.js';

/** What a worker's own rules say of a job's call: undefined to run it, else the one line it fails with. */
export type JobRefusal = (call: HandedCall) => Promise<string | undefined>;

/**
 * The deny and ask rules of the machine a worker runs on: `$KSA_HOME/policy.yaml` and its
 * `--workspace`'s `.ksa/policy.yaml`. Read at start, where a broken file stops the worker (one
 * line, file:line, exit 2), then again for every job (two small files), so an edit holds from
 * the next job without a restart. The coordinator's rules were met when its plan was approved;
 * these are the owner's of this machine, which that approval never saw.
 */
export async function workerPolicy({ home, workspace, worker, registry }: { home: string; workspace: string; worker: string; registry: ToolRegistry }): Promise<{ readonly policy: Policy; readonly refusal: JobRefusal }> {
  const policy = await loadPolicy(home, workspace);
  // A script named by its absolute path in the worker's workspace is the job's file there.
  const options = riskOptions(registry, process.env, policy.workspace);
  const refusal: JobRefusal = async (call) => {
    let current: Policy;
    try {
      current = await loadPolicy(home, workspace);
    } catch (error) {
      // Rules that cannot be read are never no rules.
      return `${DENIED_ON_WORKER}${worker}: its policy cannot be read (${errorMessage(error)}); nothing was run`;
    }
    const rule = await callRefusal(call, current, options);
    if (!rule) return undefined;
    // Nobody at a worker answers a question: an ask rule there holds the call back as a deny rule does.
    const asked = rule.effect === 'ask' ? ' (nobody at a worker can answer an ask rule)' : '';
    return `${DENIED_ON_WORKER}${worker} by ${describeRuleWithSource(rule)}${asked}; nothing was run`;
  };
  return { policy, refusal };
}
