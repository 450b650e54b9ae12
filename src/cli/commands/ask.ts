import path from 'node:path';
import {
  createQueryModel,
  deterministicReflection,
  formatProjectInstructions,
  formatWorkspaceContext,
  gatherWorkspaceContext,
  instructionNotices,
  latestProposal,
  openApprovedRun,
  formatPlanAs,
  recordRunOutcome,
  runChatTurn,
  secretsLost,
  unsetInputsRefusal,
  toolErrorText,
  type ProposedPlan,
  type TurnEvent,
} from '../../agent/index.js';
import { unsetInputs } from '../../planning/index.js';
import type { Conversation, Redactor, Reflection } from '../../store/index.js';
import type { ToolRegistry } from '../../tools/index.js';
import { CliError, failureDocument } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { chatModeOf, describeEndpoint, modelFailure, openModel, type CliModel } from '../model.js';
import { formatPlan, planCardRedactor } from '../../tui/plan-lines.js';
import { visible } from '../../tui/visible-text.js';
import { newRunId } from '../run-id.js';
import { runSession } from '../run-session.js';
import { colorEnabled, createStyler, type Styler } from '../../tui/style.js';
import { interruptible } from '../interrupt.js';
import { checkSessionFlags, chooseConversation, openStores, type Stores } from '../stores.js';
import { sessionWorkspace } from '../session-workspace.js';
import { planCardKube } from '../plan-card-kube.js';
import { openCommandTools } from '../mcp-tools.js';
import { approvePlan, askingLines, assessOrRefuse, parseApprovalMode } from '../plan-approval.js';
import { loadPolicy } from '../policy-files.js';
import type { Policy } from '../../policy/rules/index.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';
import { planOutputFormat } from '../plan-output-format.js';
import { openWorkers, toModelError, type ApprovalGrant } from '../../agent/index.js';
import { cutCallNotice } from '../../agent/model-errors.js';
import { CHECK_AGAIN_HINT } from '../../agent/chat-mode-info.js';
import { describeWorkers, redisUrlFor, runWorkers, type RemoteFlags } from '../remote-run.js';
import { parseDuration } from '../options.js';
import type { PolicyAssessment } from '../../policy/rules/index.js';

export type AskFlags = { continue?: boolean; session?: string; json?: boolean; yes?: boolean; output?: string; workspace?: string; approve?: string; allowDestroy?: boolean } & RemoteFlags;

/**
 * One non-interactive chat turn: the answer is printed, a proposed plan is
 * printed (and saved with -o) but not run — unless --yes approves it, in which
 * case it runs here and its reflection comes back into the session.
 */
export async function askCommand(io: CliIO, message: string, flags: AskFlags): Promise<ExitCodeValue> {
  // A bad value is a usage error now, not once the model has answered.
  parseDuration(flags.workerWait, '--worker-wait');
  if (!message.trim()) throw new CliError({ message: 'the message is empty; e.g. ksa ask "deploy ./shop on port 8080"' });
  checkSessionFlags(flags);
  const mode = parseApprovalMode(flags.approve);
  // Found now, not after the model was paid for.
  const outputFile = flags.output === undefined ? undefined : await checkOutputFile(io.cwd, flags.output);
  // The file is for ksa run, which reads a .json file as JSON: its name chooses, as for ksa plan -o.
  const outputFormat = flags.output === undefined ? 'yaml' : planOutputFormat({ output: flags.output });
  if (outputFormat === 'mermaid') {
    throw new CliError({ message: `-o ${flags.output}: ksa ask saves the plan for ksa run, not a diagram; use a name ending in .yaml or .json (ksa plan --format mermaid draws one)` });
  }
  const stores = openStores(io, undefined, 'ksa ask');
  // A URL ksa cannot use as written is refused before the model is paid for, as ksa run refuses it.
  const givenRedis = await redisUrlFor(io, flags.redis, stores.home);
  const chosen = await chooseConversation(stores, { id: flags.session, latest: flags.continue });
  // A continued session works where its plans were made, not in whatever folder it was reopened from.
  const { workspace, note: workspaceNote } = await sessionWorkspace(io.cwd, flags.workspace, chosen.workspace);
  const cli = await openModel(io.env, stores.home);
  const policy = await loadPolicy(stores.home, workspace);
  // Before the session opens: it hides the servers' secrets too.
  const commandTools = await openCommandTools(io, workspace);
  stores.addSecrets(commandTools.hub.secrets());
  const conversation = await chosen.open(workspace);
  const style = createStyler(colorEnabled(io.stderr, io.env));
  await commandTools.startAll();
  const tools = commandTools.registry;
  const scan = await gatherWorkspaceContext(workspace, io.env);
  const interrupt = interruptible();
  const shown: Shown = { thinking: false, lineOpen: false, held: io.stdout.isTTY === true ? undefined : '', streamed: '', hide: stores.redactor.text };
  try {
    if (!flags.json) writeLine(io.stderr, style.dim(`session ${conversation.id} · ${describeEndpoint(cli.config)}`));
    if (workspaceNote) {
      if (workspaceNote.tone === 'warning') writeWarning(io.stderr, `workspace ${workspace}: ${workspaceNote.text}`);
      else if (!flags.json) writeLine(io.stderr, style.dim(`workspace ${workspace}: ${workspaceNote.text}`));
    }
    for (const notice of instructionNotices(scan.instructions)) writeWarning(io.stderr, notice);
    const turn = await runChatTurn({
      model: cli.model,
      tools,
      runs: stores.runs,
      conversation,
      context: formatWorkspaceContext(scan),
      kube: { context: scan.kubeContext, namespace: scan.kubeNamespace },
      instructions: formatProjectInstructions(scan.instructions),
      text: message,
      abortSignal: interrupt.signal,
      timeoutMs: cli.config.timeoutMs,
      maxRetries: cli.config.maxRetries,
      chatMode: chatModeOf(cli),
      policy,
      describeError: (error) => toModelError(error, cli.config),
      onEvent: flags.json ? undefined : (event) => showTurnEvent(io, style, event, shown),
      // When config.json cannot be read, cancel_run's hint names the run's --redis, which holds whatever ksa cancel would use.
      configuredRedis: await redisUrlFor(io, undefined, stores.home).catch(() => undefined),
    }).catch((error: unknown) => {
      // The error is a line of its own, not the end of a partial answer's last line.
      writeHeld(io, shown);
      if (shown.lineOpen) writeLine(io.stdout);
      const failure = modelFailure(error, cli.config);
      if (flags.json) writeLine(io.stdout, failureDocument(failure));
      throw failure;
    });
    writeHeld(io, shown);
    const interrupted = interrupt.exitCode();
    if (interrupted !== undefined) {
      if (!flags.json) writeLine(io.stderr, '\nInterrupted; what was said so far is saved in the session.');
      return interrupted;
    }
    interrupt.dispose();
    // Ends the answer's last line where stdout is left mid-line: the text the turn keeps may end otherwise than the text printed.
    if (!flags.json && shown.lineOpen) writeLine(io.stdout);
    if (!flags.json && turn.cutOff) writeLine(io.stderr, style.yellow(turn.cutCall !== undefined ? cutCallNotice(turn.cutCall) : `The answer was cut off at the model's output limit; for the rest: ksa ask --session ${conversation.id} "go on"`));

    let proposalFile: string | undefined;
    if (turn.proposal && outputFile !== undefined && flags.output !== undefined) {
      proposalFile = outputFile;
      await writeOutputFile(outputFile, flags.output, formatPlanAs(turn.proposal.plan, outputFormat));
    } else if (flags.output !== undefined && !flags.json) {
      // `ksa ask … -o plan.yaml && ksa run plan.yaml` must not fail later without a clue.
      writeLine(io.stderr, style.yellow(`No plan was proposed this turn: nothing was written to ${flags.output}.`));
    }
    let run: { runId: string; status: string; reflection: Reflection } | undefined;
    let exitCode: ExitCodeValue = ExitCode.ok;
    // --yes approves the plan on the table after this turn: the one just proposed, or the one still waiting.
    // Without --yes, the approval mode and the policy may let the one just proposed run (--approve read|write).
    const candidate = flags.yes ? (turn.proposal ?? (await latestProposal(conversation))) : turn.proposal;
    if (flags.yes && !candidate && !flags.json) writeLine(io.stderr, style.dim('No plan to approve: nothing was run.'));
    const lostParts = candidate ? secretsLost(candidate) : undefined;
    const lost = lostParts?.inputs ?? [];
    const lostSteps = [...new Set([...(lostParts?.steps ?? []), ...(lostParts?.rollbacks ?? [])])];
    if (candidate && lost.length === 0 && lostSteps.length > 0) {
      throw new CliError({ message: `plan ${candidate.planId}: step${lostSteps.length > 1 ? 's' : ''} ${lostSteps.join(', ')} held a secret written into the plan, not kept in the session (***); write it again in the chat: ksa chat --session ${conversation.id}, then e`, exitCode: ExitCode.usage });
    }
    if (candidate && lost.length > 0) {
      throw new CliError({ message: `plan ${candidate.planId}: input${lost.length > 1 ? 's' : ''} ${lost.join(', ')} ${lost.length > 1 ? 'were' : 'was'} not kept in the session (secrets); give ${lost.length > 1 ? 'them' : 'it'} again in the chat: ksa chat --session ${conversation.id}, then e`, exitCode: ExitCode.usage });
    }
    let approved: ProposedPlan | undefined;
    let grant: ApprovalGrant | undefined;
    let redisUrl: string | undefined;
    if (candidate) {
      // A denied plan (the policy changed since it was proposed) is refused, --yes or not: exit 2.
      const assessment = await assessOrRefuse(candidate.plan, policy, mode, tools, `plan ${candidate.planId}`);
      const runs = flags.yes === true || assessment.decision.decision === 'allow';
      if (!flags.json && (turn.proposal || runs)) await showProposal(io, style, tools, candidate, assessment, { ...flags, yes: runs }, candidate === turn.proposal ? proposalFile : undefined, stores.redactor);
      if (runs) {
        const unset = unsetInputs(candidate.plan);
        if (unset.length > 0) throw new CliError({ message: unsetInputsRefusal(candidate.planId, unset, candidate === turn.proposal && proposalFile !== undefined ? flags.output : undefined), exitCode: ExitCode.usage });
        // With workers (KSA_REDIS_URL, config.json): where its steps run, and labels no live worker offers, as ksa run says.
        redisUrl = givenRedis;
        // It runs next: a Redis that cannot be used stops it here, in one line, as ksa run does (not a warning, then the same error).
        if (redisUrl && !flags.json) {
          const { lines, warnings } = await describeWorkers(redisUrl, candidate.plan, false, tools.catalog());
          for (const line of lines) writeLine(io.stderr, style.dim(`  ${line.trim()}`));
          for (const warning of warnings) writeWarning(io.stderr, warning);
        }
        const { approval } = await approvePlan(io, { ...flags, plan: candidate.plan, inputs: {}, assessment, question: '', command: 'ksa ask', style, redactor: stores.redactor });
        if (approval) {
          approved = candidate;
          grant = { approvedBy: approval.approvedBy, mode, ...(approval.allowDestroy ? { allowDestroy: true } : {}) };
        }
      }
    }
    if (approved && grant) {
      const outcome = await runApproved(io, { stores, cli, tools, conversation, proposal: approved, workspace, json: flags.json === true, style, grant, policy, remote: { url: redisUrl, workerWait: flags.workerWait } });
      run = outcome.run;
      exitCode = outcome.exitCode;
    }
    if (flags.json) {
      writeLine(
        io.stdout,
        // What the card hides is hidden here too: the answer's text, the plan's goal and arguments.
        JSON.stringify({ sessionId: conversation.id, text: turn.text, ...(turn.cutOff ? { cutOff: true } : {}), plan: turn.proposal ?? approved, totalTokens: turn.totalTokens, ...(proposalFile ? { planFile: proposalFile } : {}), ...(run ? { run } : {}) }, jsonHiding(turn.proposal ?? approved, stores.redactor), 2),
      );
    }
    return exitCode;
  } finally {
    interrupt.dispose();
    await conversation.close();
  }
}

/**
 * What the turn has shown so far: whether it said it is thinking, and whether stdout is mid-line. `held`: the
 * answer's text not written yet, when stdout is not a terminal. A closing </think> later in the answer makes what
 * came before it reasoning: a terminal sees it replaced, a file or pipe must never get it.
 */
type Shown = { thinking: boolean; lineOpen: boolean; held: string | undefined; streamed: string; readonly hide: (text: string) => string };

function writeHeld(io: CliIO, shown: Shown): void {
  const text = shown.streamed + (shown.held ?? '');
  shown.streamed = '';
  if (shown.held !== undefined) shown.held = '';
  if (!text) return;
  // The model may repeat a secret it was shown (a variable's value read by a tool): it is hidden as in the card.
  const hidden = shown.hide(text);
  io.stdout.write(hidden);
  shown.lineOpen = !hidden.endsWith('\n');
}

/**
 * Writes the streamed answer up to the last word that may go on in the next piece (a secret or a token cut
 * between two pieces would be shown in two halves that neither hides): the rest waits for more or for the end.
 */
function writeStreamed(io: CliIO, shown: Shown): void {
  const lastSpace = Math.max(shown.streamed.lastIndexOf(' '), shown.streamed.lastIndexOf('\n'), shown.streamed.lastIndexOf('\t'));
  if (lastSpace === -1) return;
  const ready = shown.streamed.slice(0, lastSpace + 1);
  shown.streamed = shown.streamed.slice(lastSpace + 1);
  const hidden = shown.hide(ready);
  io.stdout.write(hidden);
  shown.lineOpen = !hidden.endsWith('\n');
}

function showTurnEvent(io: CliIO, style: Styler, event: TurnEvent, shown: Shown): void {
  switch (event.type) {
    case 'text': {
      // The model's words, not its terminal: an escape sequence in them (a prompt-injected answer writing the
      // clipboard with OSC 52, moving the cursor over a line) is shown, not obeyed. A CR only ends lines.
      const text = visible(event.text.replaceAll('\r', ''));
      if (shown.held !== undefined) {
        shown.held += text;
        break;
      }
      shown.streamed += text;
      writeStreamed(io, shown);
      break;
    }
    case 'reasoning':
      // The reasoning itself is not the answer: said once, not printed.
      if (!shown.thinking) writeLine(io.stderr, style.dim('· thinking…'));
      shown.thinking = true;
      break;
    case 'unsaid':
      if (shown.held !== undefined) {
        shown.held = '';
        if (!shown.thinking) writeLine(io.stderr, style.dim('· thinking…'));
        shown.thinking = true;
        break;
      }
      // Printed as it came: what it was is said, and the answer starts on a line of its own.
      writeHeld(io, shown);
      writeLine(io.stdout);
      shown.lineOpen = false;
      writeLine(io.stderr, style.dim('· the text above was the model\'s reasoning (it ended with </think>); the answer follows'));
      shown.thinking = true;
      break;
    case 'mode':
      if (event.discarded && shown.held !== undefined) shown.held = '';
      else if (event.discarded) {
        writeHeld(io, shown);
        writeLine(io.stdout);
        shown.lineOpen = false;
      }
      if (event.announce) {
        const again = event.mode.source === 'hint' ? `; ${CHECK_AGAIN_HINT}` : '';
        writeLine(io.stderr, style.yellow(`· this model cannot call tools (${event.mode.reason}); going on without tools: ksa works out what the message asks and calls its functions itself${again}`));
      }
      break;
    case 'tool-call':
      writeHeld(io, shown);
      writeLine(io.stderr, style.dim(`· ${event.tool} ${shown.hide(JSON.stringify(event.input) ?? '')}`));
      break;
    case 'tool-result':
      // A call the model got wrong says so itself (naming the function); a function's own failure is prefixed with it.
      if (event.isError) writeLine(io.stderr, style.red(`· ${event.invalidCall ? '' : `${visible(event.tool)} failed: `}${visible(toolErrorText(event.output)).replace(/\n/g, '\n  ')}`));
      break;
    case 'repairing':
      writeLine(io.stderr, style.yellow(`· the plan had ${event.problems.length} problem(s); asking the model to fix them (repair ${event.attempt})`));
      break;
    case 'context-retry':
      writeLine(io.stderr, style.yellow(`· the prompt did not fit the model's context window; asking again with less of the conversation. To avoid this, ${event.hint}.`));
      break;
    case 'plan':
      break;
  }
}

/** A replacer hiding, in every text, the secrets the card hides (the environment's, the servers', the plan's secret inputs). */
function jsonHiding(proposal: ProposedPlan | undefined, redactor: Redactor): (key: string, value: unknown) => unknown {
  const hide = proposal ? planCardRedactor(proposal.plan, redactor).text : redactor.text;
  return (_key, value) => (typeof value === 'string' ? hide(value) : value);
}

/** The plan as ksa run shows it: each step's risk level from the same assessment, not a mark on every command. */
async function showProposal(io: CliIO, style: Styler, tools: ToolRegistry, proposal: ProposedPlan, { risk, decision }: PolicyAssessment, flags: AskFlags, file: string | undefined, redactor: Redactor): Promise<void> {
  writeLine(io.stdout);
  // The kube facts ksa run prints the same plan with: a step that names no context shows the current one's.
  const { tools: shown, shellKube } = await planCardKube(proposal.plan, tools, io.env);
  for (const line of formatPlan(proposal.plan, shown, style, { risk, shellKube, redactor })) writeLine(io.stdout, line);
  if (proposal.changes) {
    writeLine(io.stdout);
    writeLine(io.stdout, style.bold('Changes:'));
    for (const line of proposal.changes.split('\n')) writeLine(io.stdout, `  ${line}`);
  }
  writeLine(io.stdout);
  if (flags.yes) return;
  // Why it did not run in a mode that runs plans unasked (approvePlan says the same when it runs them).
  for (const line of askingLines(decision, style, planCardRedactor(proposal.plan, redactor).text)) writeLine(io.stdout, line);
  const save = file ? `Saved to ${path.relative(io.cwd, file) || file}; run it with: ksa run ${path.relative(io.cwd, file)}` : 'Save it with -o plan.yaml and run it with: ksa run plan.yaml';
  writeLine(io.stdout, style.dim(`Not run. ${save} — or approve it here with: ksa ask --continue --yes "run it"`));
}

type RunApprovedOptions = {
  readonly stores: Stores;
  readonly cli: CliModel;
  readonly tools: ToolRegistry;
  readonly conversation: Conversation;
  readonly proposal: ProposedPlan;
  readonly workspace: string;
  readonly json: boolean;
  readonly style: Styler;
  readonly grant: ApprovalGrant;
  readonly policy: Policy;
  /** The Redis its steps go to workers through (none: they run here), and how long a step waits for one. */
  readonly remote: { readonly url: string | undefined; readonly workerWait: string | undefined };
};

/** --yes: the user approved on the command line. Run, then reflect into the session. */
async function runApproved(io: CliIO, options: RunApprovedOptions): Promise<{ exitCode: ExitCodeValue; run: { runId: string; status: string; reflection: Reflection } }> {
  const { stores, conversation, proposal, cli } = options;
  // A Redis configured (--redis, KSA_REDIS_URL, config.json) sends the steps to workers, as the chat and ksa run do.
  const { url, workerWait } = options.remote;
  const workers = url ? runWorkers(url, options.tools.catalog(), { workerWait }) : undefined;
  await workers?.check();
  const deps = { runs: stores.runs, conversation, workspace: options.workspace, model: cli.model, modelConfig: cli.config, newRunId, ...(workers ? { workers } : {}) };
  const run = await openApprovedRun(deps, proposal, `ksa ask (session ${conversation.id})`, options.grant, options.tools);
  const say = (line: string) => writeLine(io.stderr, `ksa: ${line}`);
  const opened = workers ? await openWorkers(workers, run, proposal.resumeRunId !== undefined, { onNotice: say, onWarning: (line) => say(`warning: ${line}`) }) : undefined;
  const { state, exitCode } = await runSession(io, {
    run,
    registry: options.tools,
    env: {},
    inputs: {},
    json: false,
    mode: proposal.resumeRunId ? 'resume' : 'fresh',
    queryModel: createQueryModel(cli.model, cli.config),
    policy: options.policy,
    readPolicy: () => loadPolicy(stores.home, options.workspace),
    ...(opened ? { remote: opened.remote } : {}),
  }).finally(() => opened?.close());
  const outcome = await recordRunOutcome(deps, state);
  const reflection = outcome?.reflection ?? deterministicReflection({ plan: proposal.plan, state, logTails: {}, redis: run.record.redis, configuredRedis: io.env.KSA_REDIS_URL });
  // As in the chat: a plain reflection says why the model's is missing (stderr, so --json stays one document).
  if (outcome?.failure) writeLine(io.stderr, options.style.yellow(`ksa: warning: reflection from the run record only: ${visible(outcome.failure)}`));
  if (!options.json) showReflection(io, options.style, reflection);
  return { exitCode, run: { runId: run.runId, status: state.status, reflection } };
}

export function showReflection(io: CliIO, style: Styler, reflection: Reflection): void {
  writeLine(io.stdout);
  writeLine(io.stdout, `${reflection.success ? style.green('✓') : style.red('✗')} ${style.bold('Reflection:')} ${visible(reflection.summary)}`);
  for (const issue of reflection.issues) writeLine(io.stdout, `  ${style.red('•')} ${visible(issue)}`);
  for (const suggestion of reflection.suggestions) writeLine(io.stdout, `  ${style.cyan('→')} ${visible(suggestion)}`);
}
