import type { ApprovalMode } from '../policy/rules/index.js';
import type { ProposedPlan } from './agent-tools.js';
import { heldReasons, type PolicySource } from './session-approval.js';

/**
 * The ask rules that hold a waiting plan, shown on its card once per plan: not looked up again after every
 * turn of the chat the plan waits through.
 */
export class HeldPlanNotice {
  /** The plan whose ask rules were last looked up. */
  private saidFor: string | undefined;

  /**
   * Why ask rules hold `proposal` (heldReasons), unless that was already due for it; none either when no
   * rule holds it, or the plan waiting (`waiting()`) is another by the time the policy is read.
   */
  async dueFor(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode, waiting: () => ProposedPlan | undefined): Promise<string[] | undefined> {
    if (proposal.planId === this.saidFor) return undefined;
    this.saidFor = proposal.planId;
    const reasons = await heldReasons(proposal, deps, mode);
    return reasons.length > 0 && waiting() === proposal ? reasons : undefined;
  }
}
