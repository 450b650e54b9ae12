import type { ApprovalMode } from '../policy/rules/index.js';
import type { ProposedPlan } from './agent-tools.js';
import { heldNotice, type PolicySource } from './session-approval.js';

/**
 * The ask rules that hold a waiting plan, said once per plan: not again after every turn of the chat
 * the plan waits through.
 */
export class HeldPlanNotice {
  /** The plan whose ask rules were last said. */
  private saidFor: string | undefined;

  /**
   * The notice for `proposal` (heldNotice), unless one was already due for it; none either when the
   * plan waiting (`waiting()`) is another by the time the policy is read.
   */
  async dueFor(proposal: ProposedPlan, deps: PolicySource, mode: ApprovalMode, waiting: () => ProposedPlan | undefined): Promise<string | undefined> {
    if (proposal.planId === this.saidFor) return undefined;
    this.saidFor = proposal.planId;
    const held = await heldNotice(proposal, deps, mode);
    return held !== undefined && waiting() === proposal ? held : undefined;
  }
}
