import { draftAgentsSection, writeAgentsSection } from '../agent/agents-md.js';
import type { ChatSession, ModelConfig } from '../agent/index.js';
import type { ConversationStore } from '../store/conversation-store.js';
import { cutShortSteps, ownerLastAlive, runStatusDocument } from '../store/run-status.js';
import { runStopLine, stepDurationIsLowerBound } from './run-stop-text.js';
import { storedStepText, stepsWaitingForWorkers } from './step-status-text.js';
import { RunNotFoundError, type RunStore } from '../store/run-store.js';
import { plural } from '../planning/plural.js';
import { formatEstimate } from './estimate-text.js';
import { APPROVAL_MODES, isApprovalMode } from '../policy/rules/policy-rule.js';
import { formatDuration } from './run-view-model.js';

/** What /runs and /sessions show; how many more there are is said under them. */
const RUNS_SHOWN = 10;
const SESSIONS_SHOWN = 15;

export type SlashContext = {
  readonly session: ChatSession;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  readonly model: ModelConfig;
  readonly workspace: string;
};

/** What the app itself must do after a command (the session cannot: it is the thing being replaced or closed). */
export type SlashAction = { readonly type: 'none' } | { readonly type: 'quit' } | { readonly type: 'clear' } | { readonly type: 'new-session' } | { readonly type: 'switch-session'; readonly id: string };

export type SlashCommand = {
  readonly name: string;
  readonly args?: string;
  /** Takes no arguments but answers one itself (/model <name> says how to change the model). */
  readonly answersArguments?: true;
  readonly description: string;
  run(context: SlashContext, args: string): Promise<SlashAction> | SlashAction;
};

const NONE: SlashAction = { type: 'none' };

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  {
    name: 'help',
    description: 'keys and commands',
    run: ({ session }) => {
      session.notice(
        [
          'Type a goal ("deploy ./shop on port 8080") or a question ("why did build fail?").',
          'A proposed plan waits for you: y or Enter runs it, n rejects it, e opens it in $VISUAL/$EDITOR, any other text asks for a change.',
          'Esc interrupts the answer, or opens the run menu (y cancels, p pauses/resumes). /pause and /resume too. Ctrl-C twice quits. Up/Down: earlier inputs. Tab completes commands.',
          'While the model reasons the chat shows "thinking…"; /think shows or hides the reasoning itself (it is never stored or sent back).',
          `Commands: ${SLASH_COMMANDS.map((command) => `/${command.name}${command.args ? ` ${command.args}` : ''}`).join('  ')}`,
        ].join('\n'),
        'info',
      );
      return NONE;
    },
  },
  {
    name: 'plans',
    description: 'the plans of this session',
    run: ({ session }) => {
      const plans = session.snapshot().history.filter((item) => item.kind === 'plan');
      const pending = session.snapshot().pending;
      const lines = plans.map((item) => (item.kind === 'plan' ? `${item.proposal.planId}  ${item.decision ?? 'waiting'}  ${item.proposal.plan.goal} (${plural(item.proposal.plan.steps.length, 'step')})` : ''));
      if (pending) lines.push(`${pending.planId}  waiting for you  ${pending.plan.goal} (${plural(pending.plan.steps.length, 'step')})`);
      session.notice(lines.length ? lines.join('\n') : 'No plans in this session yet.', 'info');
      return NONE;
    },
  },
  {
    name: 'runs',
    description: 'recent runs',
    run: async ({ session, runs }) => {
      const { runs: list, total } = await runs.newest(RUNS_SHOWN);
      const older = total - list.length;
      session.notice(
        list.length
          ? [...list.map((run) => `${run.runId}  ${run.effectiveStatus.padEnd(11)} ${run.goal}`), ...(older > 0 ? [`… ${plural(older, 'older run')} (ksa runs lists them all)`] : [])].join('\n')
          : 'No runs yet.',
        'info',
      );
      return NONE;
    },
  },
  {
    name: 'status',
    args: '[run]',
    description: "a run's steps (default: the current or latest run)",
    run: async ({ session, runs }, args) => {
      try {
        const { runId: id, record, status, owner } = await runs.inspect(args.trim() || session.snapshot().runId);
        const alive = await ownerLastAlive(runs.logDir(id), status, owner);
        const cutShort = await cutShortSteps(runs.logDir(id), record, status, owner, alive);
        const doc = runStatusDocument(record, status, owner, runs.logDir(id), { cutShort, alive });
        // Step durations render templates (CEL): loaded for /status, not with the app.
        const { storedRunOutlook } = await import('../store/step-durations.js');
        const { estimate, stats } = await storedRunOutlook(runs.home, record, status, owner !== undefined).catch(() => ({ estimate: undefined, stats: undefined }));
        const lines = [`Run ${id}: ${status} · ${record.goal}${estimate ? ` · ${formatEstimate(estimate, status === 'paused')}` : ''}`];
        // When its process stopped, in ksa status's words (a lower bound said as one).
        const stopped = runStopLine(record, status, owner, cutShort, alive);
        if (stopped) lines.push(`  ${stopped}`);
        const waiting = await stepsWaitingForWorkers(runs.logDir(id), record, status);
        const now = Date.now();
        record.plan.steps.forEach((planStep, index) => {
          const step = doc.steps[index]!;
          const st = record.state.steps[planStep.id] ?? { status: 'pending', attempts: 0 };
          // Its status and detail in ksa status's words (interrupted, retrying, cut short, rolled back, ...).
          const shown = storedStepText(planStep, st, { runStatus: status, owned: owner !== undefined, waiting: waiting.get(planStep.id), stats: owner ? stats?.get(planStep.id) : undefined, now });
          // Where it ran, as ksa status's WORKER column says it: a fan-out that failed as a whole, where it did succeed.
          const where = step.succeededOn !== undefined ? `  succeeded on ${step.succeededOn}` : step.worker !== undefined ? `  on ${step.worker}` : '';
          const duration = `${stepDurationIsLowerBound(record, step.id, cutShort, alive) ? '\u2265 ' : ''}${formatDuration(step.durationMs)}`;
          lines.push(`  ${step.id.padEnd(16)} ${shown.status.padEnd(11)} ${duration.padStart(6)}${where}${shown.detail ? `  ${shown.detail}` : ''}`);
        });
        session.notice(lines.join('\n'), 'info');
      } catch (error) {
        // The store's words point at `ksa run`; in the chat a run starts from a plan approved here.
        const none = RunNotFoundError.isInstance(error) && !args.trim();
        session.notice(none ? 'No runs yet: say what to deploy, and approve the plan.' : (error as Error).message, none ? 'info' : 'error');
      }
      return NONE;
    },
  },
  {
    name: 'pause',
    description: 'pause the running plan: running steps finish, no new step starts',
    run: ({ session }) => {
      session.pauseRun();
      return NONE;
    },
  },
  {
    name: 'resume',
    args: '[run]',
    description: 'continue the paused plan, or an interrupted run (asks first)',
    run: async ({ session }, args) => {
      await session.proposeResume(args.trim() || undefined);
      return NONE;
    },
  },
  { name: 'new', description: 'start a new session', run: () => ({ type: 'new-session' }) },
  {
    name: 'sessions',
    args: '[id]',
    description: 'list sessions, or switch to one',
    run: async ({ session, conversations }, args) => {
      const id = args.trim();
      const all = await conversations.list();
      const line = (entry: (typeof all)[number]) => `${entry.id}  ${entry.updatedAt.slice(0, 16).replace('T', ' ')}  ${String(entry.messageCount).padStart(4)} msgs  ${entry.title}`;
      if (id) {
        const matches = all.some((entry) => entry.id === id) ? [] : all.filter((entry) => entry.id.startsWith(id));
        if (matches.length < 2) return { type: 'switch-session', id };
        const more = matches.length - SESSIONS_SHOWN;
        session.notice([`"${id}" matches ${matches.length} sessions; type more of the id, e.g. /sessions ${matches[0]!.id}:`, ...matches.slice(0, SESSIONS_SHOWN).map(line), ...(more > 0 ? [`… and ${more} more`] : [])].join('\n'), 'warning');
        return NONE;
      }
      const older = all.length - SESSIONS_SHOWN;
      const hint = `… ${plural(older, 'older session')}; ids start with their date, and /sessions <date> lists a day's (e.g. /sessions ${all.at(-1)?.id.slice(0, 8) ?? '20260101'}); /sessions <id> opens one`;
      session.notice([...all.slice(0, SESSIONS_SHOWN).map(line), ...(older > 0 ? [hint] : [])].join('\n') || 'No sessions.', 'info');
      return NONE;
    },
  },
  {
    name: 'model',
    answersArguments: true,
    description: 'the model and endpoint in use',
    run: ({ session, model }, args) => {
      const wanted = args.trim();
      // The model is chosen at start (KSA_MODEL, config.json) and its capabilities probed for it; a switch mid-session is not offered.
      if (wanted) {
        session.notice(`/model takes no argument: it shows the model in use (${model.model}). To use ${wanted}, set KSA_MODEL=${wanted} (or "model" in $KSA_HOME/config.json) and start ksa again; ksa model list shows what the endpoint serves.`, 'warning');
        return NONE;
      }
      session.notice(
        [
          `Model ${model.model} (from ${model.sources.model}) at ${model.baseURL} (from ${model.sources.baseURL}). Change them with KSA_MODEL and OPENAI_BASE_URL.`,
          `Chat mode: ${session.mode.describe()}.`,
        ].join('\n'),
        'info',
      );
      return NONE;
    },
  },
  {
    name: 'think',
    args: '[on|off]',
    description: "show or hide the model's reasoning",
    run: ({ session }, args) => {
      const wanted = args.trim().toLowerCase();
      if (wanted !== '' && wanted !== 'on' && wanted !== 'off') {
        session.notice(`Unknown argument "${args.trim()}": /think switches the reasoning on or off; /think on and /think off set it.`, 'warning');
        return NONE;
      }
      if (wanted === '' || (wanted === 'on') !== session.snapshot().showThinking) session.toggleThinking();
      else session.notice(`Reasoning is ${wanted === 'on' ? 'shown' : 'hidden'} already.`, 'info');
      return NONE;
    },
  },
  {
    name: 'approve',
    args: '[ask|read|write]',
    description: 'which plans run without asking: ask (all ask), read (read-only ones run), write (only destroy steps ask)',
    run: ({ session }, args) => {
      const mode = args.trim().toLowerCase();
      if (mode === '') session.notice(`Approval mode: ${session.snapshot().approvalMode ?? 'ask'}. Change it with /approve ${APPROVAL_MODES.join('|')}.`, 'info');
      else if (isApprovalMode(mode)) session.setApprovalMode(mode);
      else session.notice(`Unknown approval mode "${mode}": use /approve ${APPROVAL_MODES.join('|')}.`, 'warning');
      return NONE;
    },
  },
  { name: 'clear', description: 'clear the screen (the session keeps its history)', run: () => ({ type: 'clear' }) },
  { name: 'quit', description: 'leave (a running plan is cancelled and rolled back first)', run: () => ({ type: 'quit' }) },
  {
    name: 'init',
    args: '[write]',
    description: 'draft an AGENTS.md section from a scan of the workspace; /init write adds it',
    run: async ({ session, workspace }, args) => {
      // Loaded when used: the chat's first frame does not wait for the workspace scanner.
      const { gatherWorkspaceContext } = await import('../agent/workspace-context.js');
      const draft = draftAgentsSection(await gatherWorkspaceContext(workspace));
      if (args.trim() !== '' && args.trim() !== 'write') {
        session.notice(`Unknown argument "${args.trim()}": /init shows a draft, /init write adds it to AGENTS.md.`, 'warning');
        return NONE;
      }
      if (args.trim() !== 'write') {
        session.notice(`A draft for AGENTS.md (nothing is written yet):\n\n${draft}\nType /init write to add it to ${workspace}/AGENTS.md, then edit the blanks.`, 'info');
        return NONE;
      }
      const result = await writeAgentsSection(workspace, draft);
      if (!result.written) session.notice(result.reason, 'warning');
      else if (result.unread) session.notice(`Added the section to ${result.file}, but ${result.unread}.`, 'warning');
      else session.notice(`Added the section to ${result.file}: fill in its blanks; the planner and the chat read it from the next start of ksa.`, 'info');
      return NONE;
    },
  },
];

/** Runs "/name args"; unknown commands are answered with the list. */
export async function runSlashCommand(text: string, context: SlashContext): Promise<SlashAction> {
  const [head = '', ...rest] = text.slice(1).split(' ');
  const command = SLASH_COMMANDS.find((candidate) => candidate.name === head.toLowerCase());
  if (!command) {
    context.session.notice(`Unknown command /${head}. Try: ${SLASH_COMMANDS.map((candidate) => `/${candidate.name}`).join(' ')}`, 'warning');
    return NONE;
  }
  const args = rest.join(' ');
  // A command that takes nothing does not run with something it would ignore (`/clear all`, `/runs --json`).
  if (command.args === undefined && !command.answersArguments && args.trim() !== '') {
    context.session.notice(`/${command.name} takes no arguments; "${args.trim()}" was not used, and nothing was done.`, 'warning');
    return NONE;
  }
  return command.run(context, args);
}
