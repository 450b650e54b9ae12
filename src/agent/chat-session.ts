import { applyRunEvent, createRunView, unsetInputs, type RunState } from '../planning/index.js';
import type { Policy, PolicyAssessment } from '../policy/rules/index.js';
import type { ProposedPlan } from './agent-tools.js';
import type { ChatSessionDeps } from './chat-session-view.js';
import { ChatSessionRunControls } from './session-run-controls.js';
import { runChatTurn } from './chat.js';
import { reopenedSession } from './reopened-transcript.js';
import { CUT_OFF_NOTICE, INTERRUPTED_NOTICE } from './answer-end.js';
import { buildContext } from './memory.js';
import { cutCallNotice, toModelError } from './model-errors.js';
import { checkEditedPlan } from './plan-diff.js';
import { PlanningError, revisePlan } from './planner.js';
import { assessProposal, denialNotice, editDenials, policyNow, resumeDenial, unaskedApproval } from './session-approval.js';
import { HeldPlanNotice } from './held-plan-notice.js';
import { changedProposal, recordRunOutcome, startChatRun, resumeProposal, runSummaryLines, userGrant, type ApprovalGrant } from './session-runs.js';
import { planMessage } from './session-history.js';
import { losesSecrets, lostSecretsNoticeFor, NOTHING_LOST, secretsLost } from './secret-inputs.js';
import { secretAskFor, type SecretAnswers } from './resume-secrets.js';
import { unsetInputsNotice } from './unset-inputs-notice.js';

export type { ChatSessionDeps } from './chat-session-view.js';
export type { Phase, SessionSnapshot } from './session-snapshot.js';

/**
 * One chat session without any terminal: the TUI renders its snapshots and
 * calls its methods. Plans are proposed by the model but only ever run after
 * approve(); every message, decision, run and reflection is stored.
 */
export class ChatSession extends ChatSessionRunControls {
  private readonly heldLookup = new HeldPlanNotice();
  private constructor(deps: ChatSessionDeps) {
    super(deps);
  }

  static async open(deps: ChatSessionDeps): Promise<ChatSession> {
    const session = new ChatSession(deps);
    const reopened = await reopenedSession(deps);
    session.pending = reopened.pending;
    session.transcript.items = reopened.items;
    session.earlierInputs = reopened.inputs;
    return session;
  }

  /** What the user typed; its meaning depends on the phase. */
  async submit(text: string): Promise<void> {
    if (this.secretAsk) return this.secretAsk.answer(text);
    const trimmed = text.trim();
    if (this.confirmCancel) {
      this.confirmCancel = false;
      if (/^y(es)?$/i.test(trimmed)) {
        this.cancelRun();
        return;
      }
      if (/^[pr]$/i.test(trimmed)) return void (this.resumeRun() || this.pauseRun()); // Esc's menu: p pauses or resumes
      this.notice('The run goes on.', 'info');
      if (trimmed === '' || /^(n|no)$/i.test(trimmed)) return;
    }
    if (this.turn) {
      // Said while the agent answers: it goes next, not nowhere.
      if (trimmed) {
        // The plan on screen is the one there when the answer began: one it proposes shows once it ends.
        this.queued.push({ text: trimmed, planId: this.shownPlanId });
        this.notice(`Sent after the current answer: ${trimmed}`, 'info');
      }
      return;
    }
    if (this.pending && !this.editing) {
      if (trimmed === '' || /^(y|yes)$/i.test(trimmed)) return this.approve();
      if (/^(n|no)$/i.test(trimmed)) return this.reject();
      return this.revise(trimmed);
    }
    if (trimmed === '') return;
    await this.chat(trimmed);
  }

  /**
   * The user said yes (or, with `grant` from the policy, nobody needed to): the pending plan runs, unless the policy
   * denies it. The policy files are read again here: a deny rule added while the plan waited holds, and a file that
   * became invalid keeps the plan waiting with its error.
   */
  async approve(grant?: ApprovalGrant, given: SecretAnswers = {}): Promise<void> {
    const proposal = this.pending;
    if (this.run) return this.notice('A run is in progress; wait for it (or press Esc to cancel it) before starting another.', 'warning');
    if (!proposal) return;
    // A resumed run's plan holds *** for the secrets it was given: those are asked for below, not written into the plan.
    const lost = proposal.resumeRunId === undefined ? secretsLost(proposal) : NOTHING_LOST;
    if (losesSecrets(lost)) return this.notice(lostSecretsNoticeFor(proposal.plan, lost), 'warning');
    if (unsetInputs(proposal.plan).length > 0) return this.notice(unsetInputsNotice(unsetInputs(proposal.plan)), 'warning');
    // A resumed run's secret inputs were not stored: each is asked for first, as it must not run with *** for them.
    this.secretAsk = await secretAskFor(this.deps.runs, proposal, given, this.secretAskHooks((answers) => void this.approve(grant, answers)));
    if (this.secretAsk) return this.notice(this.secretAsk.question, 'info');
    let policy: Policy, assessment: PolicyAssessment;
    try {
      policy = await policyNow(this.deps);
      assessment = await assessProposal(proposal, { policy, tools: this.deps.tools }, this.approvalMode);
    } catch (error) {
      return this.notice(`Could not check the plan against the permission policy: ${(error as Error).message}`, 'error');
    }
    if (assessment.decision.decision === 'deny') {
      this.pending = undefined;
      this.decide(proposal, 'rejected');
      this.deps.conversation.append({ kind: 'approval', planId: proposal.planId, decision: 'rejected' });
      return this.notice(denialNotice(assessment), 'error');
    }
    try {
      // Workers: a Redis that cannot be used is said before anything is decided; the plan stays waiting. A resume that
      // goes on here (runsHere) needs none.
      if (!proposal.runsHere) await this.deps.workers?.check();
    } catch (error) {
      return this.notice(`Could not start the run: ${(error as Error).message}`, 'error');
    }
    if (this.pending !== proposal) return;
    this.pending = undefined;
    this.decide(proposal, 'approved');
    const plan = proposal.plan;
    this.runPlan = plan;
    this.runView = createRunView(proposal.resumeRunId ?? 'starting', plan);
    try {
      this.run = await startChatRun(
        { ...this.deps, policy, registry: this.deps.tools },
        proposal,
        this.runView,
        {
          onWarning: (message) => this.notice(message, 'warning'),
          onNotice: (message) => this.notice(message, 'info'),
          onPauseRequest: (paused) => this.notice(`${paused ? 'Pause' : 'Resume'} requested from another terminal (ksa ${paused ? 'pause' : 'resume'}).`, 'info'),
          onEvent: (event) => {
            if (this.runView) applyRunEvent(this.runView, event);
            this.changed();
          },
        },
        grant ?? userGrant(this.approvalMode, assessment.decision.destroy.length > 0),
        given,
      );
    } catch (error) {
      this.notice(`Could not start the run: ${(error as Error).message}`, 'error');
      return;
    }
    if (this.run.expected.size > 0) this.runView.estimates = { plan, stats: this.run.expected };
    this.changed();
    const state = await this.run.done;
    // Left paused by a quit: it has not ended, so there is nothing to sum up or reflect on.
    if (state.status === 'paused') return;
    await this.finishRun(state);
  }

  /** /resume: this chat's paused run goes on; another interrupted or paused run is shown for approval (approving continues it). */
  async proposeResume(runIdOrPrefix: string | undefined): Promise<void> {
    if (this.run && (runIdOrPrefix === undefined || this.run.runId.startsWith(runIdOrPrefix))) {
      if (!this.resumeRun()) this.notice(`Run ${this.run.runId} is running already.`, 'info');
      return;
    }
    const proposal = await resumeProposal(this.deps.runs, runIdOrPrefix, this.deps.workers?.redis, this.deps.environment, this.deps.configuredRedis);
    if (typeof proposal === 'string') return this.notice(proposal, 'warning');
    const denied = await resumeDenial(proposal, this.deps);
    if (denied) return this.notice(denied, 'error');
    if (this.pending) this.decide(this.pending, 'superseded');
    this.pending = proposal;
    this.changed();
  }

  reject(): void {
    const proposal = this.pending;
    if (!proposal) return;
    this.pending = undefined;
    this.decide(proposal, 'rejected');
    this.deps.conversation.append({ kind: 'approval', planId: proposal.planId, decision: 'rejected' });
    this.notice('Plan rejected; nothing was run.', 'info');
  }

  /** Starts editing: the pending plan, for an editor. */
  beginEdit(): ProposedPlan | undefined {
    if (!this.pending) return undefined;
    this.editing = true;
    this.changed();
    return this.pending;
  }

  /**
   * The edited plan document: valid → the new pending plan (with what changed); invalid, or with a
   * step the permission policy denies → its problems, and the proposed plan keeps waiting.
   */
  async applyEdit(document: unknown): Promise<{ ok: true } | { ok: false; problems: string[] }> {
    const previous = this.pending;
    if (!previous) return { ok: false, problems: ['there is no plan to edit'] };
    const result = checkEditedPlan(previous.plan, document, this.deps.tools.catalog());
    const next: ProposedPlan | undefined = result.ok && result.changes !== undefined ? changedProposal(previous, { planId: `${previous.planId}e${this.seq + 1}`, plan: result.plan, changes: result.changes, revises: previous.planId }, this.deps.workspace, this.deps.configuredRedis) : undefined;
    const problems = !result.ok ? result.problems : next ? await editDenials(next, this.deps, this.approvalMode) : undefined;
    if (problems) {
      this.editProblems = problems;
      this.changed();
      return { ok: false, problems };
    }
    this.editing = false;
    this.editProblems = undefined;
    if (next === undefined) {
      this.notice('The edited plan is the same as before.', 'info');
      return { ok: true };
    }
    this.seq++;
    this.decide(previous, 'edited');
    this.deps.conversation.append({ kind: 'approval', planId: previous.planId, decision: 'edited' });
    this.propose(next);
    void this.approveByPolicy();
    return { ok: true };
  }

  endEdit(): void {
    this.editing = false;
    this.editProblems = undefined;
    this.changed();
  }

  private async chat(text: string): Promise<void> {
    this.push({ kind: 'user', id: this.transcript.nextId(), text });
    this.transcript.startAnswer();
    await this.modelTurn('waiting for the model', INTERRUPTED_NOTICE, async (abortSignal) => {
      const result = await runChatTurn({
        model: this.deps.model,
        tools: this.deps.tools,
        runs: this.deps.runs,
        conversation: this.deps.conversation,
        context: this.deps.context,
        kube: this.deps.kube,
        instructions: this.deps.instructions,
        text,
        abortSignal,
        timeoutMs: this.deps.modelConfig.timeoutMs,
        maxRetries: this.deps.modelConfig.maxRetries,
        chatMode: this.mode,
        policy: await this.plannerPolicy(),
        describeError: (error) => toModelError(error, this.deps.modelConfig),
        ...(this.pending ? { pending: this.pending } : {}),
        cancelOwnRun: (runId) => this.askToCancel(runId),
        onEvent: (event) => this.onTurnEvent(event),
        configuredRedis: this.deps.configuredRedis,
      });
      this.tokens += result.totalTokens;
      this.transcript.flush();
      if (result.aborted) this.notice(INTERRUPTED_NOTICE, 'info');
      if (result.cutOff) this.notice(result.cutCall !== undefined ? cutCallNotice(result.cutCall) : CUT_OFF_NOTICE, 'warning');
    });
  }

  /**
   * One model call the user can interrupt with Esc: the activity shown while it
   * runs, one notice if it fails, and the messages typed meanwhile sent after.
   */
  private async modelTurn(activity: string, interrupted: string, body: (abortSignal: AbortSignal) => Promise<void>): Promise<void> {
    const controller = new AbortController();
    this.shownPlanId = this.pending?.planId;
    this.turn = controller;
    this.activity = activity;
    this.changed();
    try {
      await body(controller.signal);
    } catch (error) {
      this.transcript.flush();
      // A plan the model could not get right is not a failed model call: its problems are the news.
      const failure = PlanningError.isInstance(error) ? `Planning failed: ${error.message}` : toModelError(error, this.deps.modelConfig).message;
      this.notice(controller.signal.aborted ? interrupted : failure, controller.signal.aborted ? 'info' : 'error');
    } finally {
      this.turn = undefined;
      this.activity = undefined;
      this.changed();
    }
    await this.approveByPolicy();
    this.sendQueued();
  }

  /** A new plan the approval mode and the policy let through runs without a question (see unaskedApproval). */
  private async approveByPolicy(): Promise<void> {
    const proposal = this.pending;
    const held = proposal && (await this.heldLookup.dueFor(proposal, this.deps, this.approvalMode, () => this.pending));
    if (proposal && held) this.showHeld({ planId: proposal.planId, reasons: held });
    if (!proposal || this.run || this.editing || this.queued.length > 0) return;
    const assessment = await unaskedApproval(proposal, this.deps, this.approvalMode);
    if (!assessment || this.pending !== proposal) return;
    this.notice(`Runs without asking: ${assessment.decision.why}.`, 'info');
    // Not awaited: approve() lasts as long as the run, and the chat stays usable meanwhile.
    void this.approve({ approvedBy: 'policy', mode: this.approvalMode });
  }

  /** The policy the planner is told: as its files are now, or as last read when one became invalid (approval then refuses with its error). */
  private async plannerPolicy(): Promise<Policy | undefined> {
    return policyNow(this.deps).catch(() => this.deps.policy);
  }

  private sendQueued(): void {
    const next = this.queued.shift();
    if (next === undefined) return;
    const answer = /^(y|yes|n|no|e)$/i.test(next.text);
    // A yes or no typed before the answer ended was not said to a question that answer asked: the question waits.
    if (answer && this.confirmCancel) {
      this.notice(`"${next.text}" was typed before this question was shown, so it is not taken as its answer: y cancels the run, anything else lets it go on.`, 'warning');
      return this.sendQueued();
    }
    const edit = /^e$/i.test(next.text);
    if (answer && this.pending && (this.pending.planId !== next.planId || edit)) {
      const what = edit ? 'press e now to edit it' : 'press y (or Enter) to run it, n to reject it';
      this.notice(`"${next.text}" was typed ${this.pending.planId !== next.planId ? 'before this plan was shown' : 'while the agent answered'}, so it is not taken as an answer to it: ${what}.`, 'warning');
      return this.sendQueued();
    }
    void this.submit(next.text);
  }

  private async revise(request: string): Promise<void> {
    const current = this.pending!;
    this.push({ kind: 'user', id: this.transcript.nextId(), text: request });
    this.deps.conversation.append({ kind: 'user', text: request });
    await this.modelTurn('revising the plan', 'Interrupted; the plan is unchanged.', async (abortSignal) => {
      const history = buildContext(await this.deps.conversation.messages(200));
      const result = await revisePlan(current.plan, this.deps.conversation.redact(request), {
        model: this.deps.model,
        tools: this.deps.tools,
        context: this.deps.context,
        kube: this.deps.kube,
        history,
        abortSignal,
        timeoutMs: this.deps.modelConfig.timeoutMs,
        maxRetries: this.deps.modelConfig.maxRetries,
        policy: await this.plannerPolicy(),
        onRepair: (attempt) => this.setActivity(`repairing the revised plan (${attempt})`),
      });
      this.tokens += result.totalTokens;
      this.decide(current, 'superseded');
      this.propose(changedProposal(current, { planId: `${current.planId}r${++this.seq}`, plan: result.plan, changes: result.changes, revises: current.planId }, this.deps.workspace, this.deps.configuredRedis));
    });
  }

  private propose(proposal: ProposedPlan): void {
    this.pending = proposal;
    this.deps.conversation.append(planMessage(proposal));
    this.changed();
  }

  private async finishRun(state: RunState): Promise<void> {
    this.run = undefined;
    this.confirmCancel = false;
    this.push({ kind: 'run', id: this.transcript.nextId(), runId: state.runId, status: state.status, lines: runSummaryLines(state).map((line) => this.deps.conversation.redact(line)) });
    this.setActivity('reflecting on the run');
    const outcome = await recordRunOutcome(this.deps, state);
    // Said like the chat's other model failures: the plain reflection below is not the model's.
    if (outcome?.failure) this.notice(`Reflection from the run record only: ${outcome.failure}`, 'warning');
    if (outcome) this.push({ kind: 'reflection', id: this.transcript.nextId(), runId: state.runId, reflection: outcome.reflection, fallback: outcome.fallback });
    this.setActivity(undefined);
  }
}
