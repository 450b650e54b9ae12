import { Box, Static, Text, useApp, useInput, useStdout, useWindowSize, type DOMElement } from 'ink';
import Spinner from 'ink-spinner';
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { ChatSession, ModelConfig, ProposedPlan, SessionSnapshot } from '../agent/index.js';
import type { ConversationStore, RunStore } from '../store/index.js';
import { editText, type EditResult } from './editor.js';
import { Header, type HeaderInfo } from './Header.js';
import { HistoryItemView } from './HistoryItemView.js';
import { InputLine } from './InputLine.js';
import { loadMarkdown, Markdown } from './Markdown.js';
import { PendingSession } from './pending-session.js';
import { ApprovalKeys, HeldReasons, PlanCard } from './PlanCard.js';
import { ShownSecrets, usePlanHiding } from './shown-secrets.js';
import type { ToolDescriber } from './plan-lines.js';
import { RunPanel } from './RunPanel.js';
import { runSlashCommand, SLASH_COMMANDS } from './slash-commands.js';
import { StatusLine } from './StatusLine.js';
import { Tail } from './Tail.js';
import { visible } from './visible-text.js';
import { useSessionSnapshot } from './use-session.js';
import { useItemsWithSettledRisk } from './use-plan-risk.js';
import { usePrintedCards, withPrintedCards, type StaticItem } from './use-printed-cards.js';
import { useMeasuredHeight } from './use-measured-height.js';
import { CLEAR_SCREEN, useRedrawOnShrink } from './use-redraw-on-shrink.js';
import { submitThroughSwitch, type SubmitHere, type SwitchUnderway } from './session-switch.js';

export type Props = {
  /** The session; a pending one draws the first frame while the chat's engine loads, then the app switches to the real one. */
  readonly session: ChatSession | PendingSession;
  /** Opens another session (/new, /sessions <id>, in the workspace it works in); the app switches to it. */
  readonly openSession: (target: { readonly id?: string }) => Promise<ChatSession>;
  readonly runs: RunStore;
  readonly conversations: ConversationStore;
  readonly model: ModelConfig;
  readonly header: HeaderInfo;
  readonly tools: ToolDescriber;
  readonly color: boolean;
  readonly env: NodeJS.ProcessEnv;
};

const QUIT_WINDOW_MS = 3000;
/** What the app exits with when its quit cancelled a live run. */
export const QUIT_CANCELLED_RUN = 'cancelled-run';
/** What the app exits with when /quit left its paused run paused, for `ksa resume` to continue. */
export type QuitLeftPaused = { readonly pausedRunId: string };

export function App(props: Props) {
  const [session, setSession] = useState(props.session);
  // Up recalls what was typed in every session of this process, not only the current one.
  const [typed] = useState<string[]>(() => []);
  const [switching] = useState<SwitchUnderway>(() => ({}));
  useEffect(() => {
    const first = props.session;
    if (!(first instanceof PendingSession)) return;
    // After the first frame: load the engine; the same view (same session id) goes on with the real session.
    first.begin();
    first.ready.then(setSession, () => {});
  }, [props.session]);
  // Read at each render: the MCP servers' secrets are added once their config is read.
  return (
    <ShownSecrets.Provider value={props.conversations.redactor}>
      <SessionView key={session.deps.conversation.id} {...props} session={session} switchTo={setSession} typed={typed} switching={switching} />
    </ShownSecrets.Provider>
  );
}

type ViewProps = Props & {
  readonly switchTo: (session: ChatSession) => void;
  readonly typed: string[];
  readonly switching: SwitchUnderway;
};

function SessionView(props: ViewProps) {
  const { session, color } = props;
  const snapshot = useSessionSnapshot(session);
  const { exit, suspendTerminal } = useApp();
  const { stdout, write: writeAboveFrame } = useStdout();
  const lastCtrlC = useRef(0);
  const [quitting, setQuitting] = useState<false | { readonly leavesPaused: boolean }>(false);
  const [hint, setHint] = useState<string | undefined>(undefined);
  const editedText = useRef<string | undefined>(undefined);
  const staticKey = useRedrawOnShrink(stdout as NodeJS.WriteStream);

  // Ctrl-C twice cancels a live run on the way out: the command then ends as any run cancelled by Ctrl-C does (130).
  // /quit does too, unless the run is paused: a paused run outlives its process, for ksa resume to continue.
  const quit = useCallback(async (byCtrlC = false) => {
    const state = session.snapshot();
    const cancelsRun = byCtrlC && Boolean(state.runId);
    setQuitting({ leavesPaused: !byCtrlC && state.runView?.status === 'paused' });
    const pausedRunId = await session.close({ leavePaused: !byCtrlC });
    exit(pausedRunId ? ({ pausedRunId } satisfies QuitLeftPaused) : cancelsRun ? QUIT_CANCELLED_RUN : undefined);
  }, [session, exit]);

  const edit = useCallback(async (session: ChatSession, snapshot: SessionSnapshot) => {
    const proposal = snapshot.phase === 'editing' ? snapshot.pending : session.beginEdit();
    if (!proposal) return;
    // Loaded here, not with the app: YAML is not needed for the first frame.
    const { planToYaml, planFromYaml } = await import('../agent/plan-format.js');
    const text = editedText.current ?? planToYaml(proposal.plan);
    const outcome: { result: EditResult } = { result: { ok: false, message: 'the editor did not run' } };
    // The editor gets the terminal to itself; Ink redraws when it is back.
    await suspendTerminal(async () => {
      outcome.result = await editText(text, { env: props.env });
    });
    const { result } = outcome;
    if (!result.ok) {
      session.notice(result.message, 'error');
      session.endEdit();
      return;
    }
    editedText.current = result.text;
    let document: unknown;
    try {
      document = planFromYaml(result.text);
    } catch (error) {
      session.notice(`Your edit is not valid YAML:\n${(error as Error).message}\nPress e to edit again or n to discard it.`, 'error');
      return;
    }
    if ((await session.applyEdit(document)).ok) editedText.current = undefined;
  }, [suspendTerminal, props.env]);

  const submit = async (text: string) => {
    setHint(undefined);
    await submitThroughSwitch(props.switching, props.session, text, submitHere);
  };

  const submitHere: SubmitHere = async (text, switchedTo) => {
    // Sent before the engine was loaded (the first frame comes before the model SDK): it waits for the real
    // session, whose state decides what it means.
    const pending = props.session instanceof PendingSession ? props.session : undefined;
    const session = pending ? await pending.ready : (props.session as ChatSession);
    const state = pending ? session.snapshot() : snapshot;
    // A secret input's value is only that, even one that starts with a slash.
    if (state.phase === 'secret_input') return session.submit(text);
    if (text.startsWith('/')) {
      const action = await runSlashCommand(text.trim(), { session, runs: props.runs, conversations: props.conversations, model: props.model, workspace: session.deps.workspace });
      if (action.type === 'quit') await quit();
      // Through Ink, which erases its frame, writes this and draws the frame again: written behind its back, the
      // screen stayed blank (no input, no status line) until the next key made Ink draw.
      else if (action.type === 'clear') writeAboveFrame(CLEAR_SCREEN);
      else if (action.type === 'switch-session' && state.sessionId.startsWith(action.id)) {
        session.notice(`You are in session ${state.sessionId} already.`, 'info');
      } else if ((action.type === 'new-session' || action.type === 'switch-session') && state.runId) {
        // Leaving the session closes it, and closing stops its run: that takes an explicit cancel, not a side effect.
        session.notice(`Run ${state.runId} is still going. Let it finish, or cancel it first (Esc, then y); then ${action.type === 'new-session' ? '/new' : `/sessions ${action.id}`} again.`, 'warning');
      } else if (action.type === 'new-session' || action.type === 'switch-session') {
        try {
          const next = await props.openSession(action.type === 'switch-session' ? { id: action.id } : {});
          // Closed first (its conversation saved, for /sessions to list); what is typed meanwhile waits for the next one.
          await session.close();
          props.switchTo(next);
          switchedTo(next);
        } catch (error) {
          session.notice((error as Error).message, 'error');
        }
      }
      return;
    }
    const word = text.trim().toLowerCase();
    if (state.phase === 'awaiting_approval' && word === 'e') return edit(session, state);
    if (state.phase === 'editing') {
      if (word === 'e') return edit(session, state);
      // Only e or n: a yes is not an approval of the plan the user was fixing (perhaps taking a step out), and
      // other words would revise that plan and throw the edit away unasked.
      if (word !== '' && word !== 'n' && word !== 'no') return session.notice('Your edit has problems, so it cannot run: e edits it again, n (or Enter) drops it and keeps the proposed plan.', 'warning');
      editedText.current = undefined;
      session.endEdit();
      return;
    }
    await session.submit(text);
  };

  useInput((input, key) => {
    if (hint?.startsWith('Press Ctrl-C') && Date.now() - lastCtrlC.current >= QUIT_WINDOW_MS) setHint(undefined);
    if (key.escape) {
      if (!(session instanceof PendingSession)) session.interrupt();
      return;
    }
    if (key.ctrl && input === 'c') {
      // /quit waits for the paused run's running steps: Ctrl-C cuts them short, and the run stays paused.
      if (quitting && !(session instanceof PendingSession) && session.cutShortQuit()) return;
      const now = Date.now();
      if (now - lastCtrlC.current < QUIT_WINDOW_MS) {
        void quit(true);
        return;
      }
      lastCtrlC.current = now;
      setHint(snapshot.runId ? 'Press Ctrl-C again to quit (the running plan is cancelled and rolled back first).' : 'Press Ctrl-C again to quit.');
      setTimeout(() => setHint((current) => (current?.startsWith('Press Ctrl-C') && Date.now() - lastCtrlC.current >= QUIT_WINDOW_MS ? undefined : current)), QUIT_WINDOW_MS);
    }
  });

  // A session switched to works in its own workspace: the header names it; the note about the first one's is
  // only its own (a switch says where it works in a notice).
  const { workspaceNote, ...firstHeader } = props.header;
  const first = snapshot.sessionId === props.header.sessionId;
  const header = {
    ...firstHeader,
    sessionId: snapshot.sessionId,
    resumed: props.header.resumed && first,
    workspace: session instanceof PendingSession ? props.header.workspace : session.deps.workspace,
    ...(first && workspaceNote ? { workspaceNote } : {}),
  };
  const live = useLiveRows(stdout as NodeJS.WriteStream);
  const pending = snapshot.pending && snapshot.phase !== 'thinking' ? snapshot.pending : undefined;
  const printedCards = usePrintedCards(pending, live.rows, snapshot.history.length, props.tools);
  const pendingPrinted = pending !== undefined && printedCards.ids.has(pending.planId);
  const runPanel = useMeasuredHeight(live.runPanelRef);
  // The header and the input come first; a long history is drawn right after that first frame.
  const historyShown = useAfterFirstFrame();
  const all: StaticItem[] = historyShown ? [{ kind: 'header', id: 'header' }, ...withPrintedCards(snapshot.history, printedCards.cards)] : [{ kind: 'header', id: 'header' }];
  const items = useItemsWithSettledRisk(all, (item) => (item.kind === 'card' || (item.kind === 'plan' && !printedCards.ids.has(item.proposal.planId)) ? item.proposal.plan : undefined), props.tools);
  const inputActive = !quitting;
  const showsRun = Boolean(snapshot.runView && snapshot.runPlan);
  return (
    <Box flexDirection="column">
      <Static key={staticKey} items={items}>
        {(item) => (
          // Ink lays Static out apart from the terminal's width: bounded here, a row with a prefix (› and the
          // message) wraps inside the window instead of one or two columns past it.
          <Box key={item.id} flexDirection="column" width={(stdout as NodeJS.WriteStream).columns || undefined}>
            {item.kind === 'header' ? (
              <Header info={header} color={color} />
            ) : item.kind === 'card' ? (
              <PlanCard proposal={item.proposal} tools={props.tools} color={color} />
            ) : (
              <HistoryItemView item={item} tools={props.tools} color={color} printedAbove={item.kind === 'plan' && printedCards.ids.has(item.proposal.planId)} />
            )}
          </Box>
        )}
      </Static>
      <Tail maxRows={live.rows} color={color}>
        {snapshot.streaming ? (
          <Box marginTop={1}>
            <Tail maxRows={live.rows === undefined ? undefined : Math.max(3, live.rows - (showsRun ? runPanel.height : 0) - 2)} color={color} hiddenNote="(the whole answer goes into the transcript when it ends)">
              <Markdown text={snapshot.streaming} color={color} />
            </Tail>
          </Box>
        ) : null}
        {snapshot.thinking && snapshot.showThinking ? (
          <Box marginTop={1}>
            <Text dimColor={color} italic={color}>
              {lastLines(snapshot.thinking, 8)}
            </Text>
          </Box>
        ) : null}
        {snapshot.activity ? (
          <Text color={color ? 'magenta' : undefined}>
            <Spinner type="dots" /> {snapshot.activity}…{' '}
            <Text dimColor={color}>({snapshot.activity === 'thinking' && !snapshot.showThinking ? '/think shows the reasoning · ' : ''}Esc to interrupt)</Text>
          </Text>
        ) : null}
        {pending && pendingPrinted ? <PrintedCardPrompt proposal={pending} color={color} runInProgress={snapshot.runId !== undefined} held={snapshot.held} /> : null}
        {pending && !pendingPrinted ? (
          <Box ref={printedCards.cardRef} flexDirection="column" flexShrink={0}>
            <PlanCard proposal={pending} tools={props.tools} color={color} runInProgress={snapshot.runId !== undefined} {...(snapshot.held ? { held: snapshot.held } : {})} />
          </Box>
        ) : null}
        {snapshot.phase === 'editing' && snapshot.editProblems ? (
          <Box flexDirection="column" borderStyle="round" borderColor={color ? 'red' : undefined} paddingX={1}>
            <Text bold color={color ? 'red' : undefined}>
              Your edited plan has {snapshot.editProblems.length} problem{snapshot.editProblems.length === 1 ? '' : 's'}:
            </Text>
            {snapshot.editProblems.map((problem, i) => (
              <Text key={i}>  {problem}</Text>
            ))}
            <Text>e edit again · n (or Enter) discard your edit and keep the proposed plan</Text>
          </Box>
        ) : null}
        {snapshot.runView && snapshot.runPlan ? (
          <Box ref={live.runPanelRef} flexDirection="column" flexShrink={0}>
            <RunPanel view={snapshot.runView} plan={snapshot.runPlan} color={color} {...(quitting ? { leaving: quitting } : {})} maxLines={live.rows === undefined ? undefined : Math.max(1, live.rows - RUN_PANEL_CHROME_ROWS - (snapshot.streaming ? STREAMING_MIN_ROWS : 0))} />
          </Box>
        ) : null}
        {snapshot.phase === 'confirm_cancel' ? (
          <Text color={color ? 'yellow' : undefined} bold>
            Cancel the run? Running steps are aborted and finished ones rolled back. y/n
            <Text bold={false}> · or p to {snapshot.runView?.status === 'paused' ? 'resume' : 'pause'} it</Text>
          </Text>
        ) : null}
      </Tail>
      <Box ref={live.footerRef} flexDirection="column">
        {hint ? <Text color={color ? 'yellow' : undefined}>{hint}</Text> : null}
        {quitting ? (
          <Text>
            <Spinner type="dots" /> saving the session{!snapshot.runId ? '' : quitting.leavesPaused ? '; the run stays paused' : ' and cancelling the run'}…
          </Text>
        ) : (
          <InputLine
            prompt={snapshot.secretInput ? `${visible(snapshot.secretInput.name)}:` : promptFor(snapshot.phase)}
            placeholder={snapshot.secretInput ? `the value of ${visible(snapshot.secretInput.name)} for run ${snapshot.secretInput.runId} (shown masked, not kept) · Esc drops the resume` : placeholderFor(snapshot.phase, snapshot.runView?.status === 'paused')}
            active={inputActive}
            asking={snapshot.phase === 'confirm_cancel' || snapshot.phase === 'secret_input'}
            secret={snapshot.phase === 'secret_input'}
            commands={SLASH_COMMANDS}
            color={color}
            earlier={session instanceof PendingSession ? undefined : session.earlierInputs}
            typed={props.typed}
            onSubmit={(text) => void submit(text)}
          />
        )}
        <StatusLine snapshot={snapshot} model={props.model.model} color={color} />
      </Box>
    </Box>
  );
}

/** The run panel's rows besides its steps: border, title, progress, paused line, key hint, "… more steps". */
const RUN_PANEL_CHROME_ROWS = 7;
/** What a streaming answer keeps of the live area while a run panel is shown too. */
const STREAMING_MIN_ROWS = 4;

/**
 * The rows the live area (everything between the transcript and the input) may take: the terminal's
 * height less the input and status lines, and one more, since Ink treats a frame as tall as the
 * terminal as full-screen and scrolls it. Undefined when stdout is not a terminal (nothing scrolls).
 */
function useLiveRows(stdout: NodeJS.WriteStream): { rows: number | undefined; footerRef: RefObject<DOMElement | null>; runPanelRef: RefObject<DOMElement | null> } {
  const { rows } = useWindowSize();
  const footerRef = useRef<DOMElement>(null);
  const runPanelRef = useRef<DOMElement>(null);
  const footer = useMeasuredHeight(footerRef);
  const footerRows = footer.hasMeasured ? footer.height : 2;
  return { rows: stdout.isTTY ? Math.max(1, rows - footerRows - 1) : undefined, footerRef, runPanelRef };
}

function PrintedCardPrompt({ proposal, color, runInProgress, held }: { readonly proposal: ProposedPlan; readonly color: boolean; readonly runInProgress: boolean; readonly held: readonly string[] | undefined }) {
  const count = proposal.plan.steps.length;
  const hide = usePlanHiding(proposal.plan);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color ? 'cyan' : undefined} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold>Plan: {visible(hide(proposal.plan.goal))}</Text> · {count} step{count === 1 ? '' : 's'}, shown in full above
      </Text>
      {held && held.length > 0 ? <HeldReasons reasons={held.map(hide)} color={color} /> : null}
      <ApprovalKeys color={color} runInProgress={runInProgress} />
    </Box>
  );
}

/** False for the first render; true once it is on screen and Markdown has loaded. */
function useAfterFirstFrame(): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    let live = true;
    // History items are drawn once (Static): Markdown must be ready before the first of them.
    const timer = setTimeout(() => void loadMarkdown().then(() => live && setAfter(true)), 0);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);
  return after;
}

function promptFor(phase: string): string {
  switch (phase) {
    case 'awaiting_approval':
      return 'run? [y/n/e]';
    case 'editing':
      return 'edit? [e/n]';
    case 'confirm_cancel':
      return 'cancel? [y/n]';
    default:
      return '›';
  }
}

function placeholderFor(phase: string, paused: boolean): string {
  switch (phase) {
    case 'awaiting_approval':
      return 'Enter or y runs it · n rejects · e edits · or say what to change';
    case 'running':
      return `ask about the run ("what's the status?") · Esc to cancel it (or p in its menu to ${paused ? 'resume' : 'pause'})`;
    case 'thinking':
      return 'the agent is answering · Esc interrupts (what you send now waits for it)';
    case 'editing':
      return 'e edits again · n or Enter keeps the proposed plan';
    case 'confirm_cancel':
      return 'y cancels the run · p pauses or resumes it · anything else lets it go on';
    default:
      return 'say what to deploy, or ask · /help';
  }
}

/** The end of a long text, for a live area that must stay small. */
function lastLines(text: string, count: number): string {
  return text.trim().split('\n').slice(-count).join('\n');
}
