import path from 'node:path';
import { CONTEXT_HINT, formatPlanAs, formatWorkspaceContext, gatherWorkspaceContext, instructionNotices, planGoal } from '../../agent/index.js';
import { CliError, failureDocument } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { describeEndpoint, modelFailure, openModel } from '../model.js';
import { parseWholeNumber } from '../options.js';
import { checkOutputFile, writeOutputFile } from '../output-file.js';
import { planOutputFormat } from '../plan-output-format.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { interruptible } from '../interrupt.js';
import { openStores } from '../stores.js';
import { openCommandTools } from '../mcp-tools.js';
import { loadPolicy } from '../policy-files.js';
import { workspaceOption } from '../workspace-option.js';
import { plural } from '../../planning/plural.js';
import { terminalSafe } from '../../tui/visible-text.js';
import { validatePlan, type ToolCatalog } from '../../planning/validate.js';
import type { Plan } from '../../planning/schema.js';
import { quoteArg } from '../../tools/quote-arg.js';

export type PlanFlags = { json?: boolean; format?: string; output?: string; workspace?: string; maxRepairs?: string };

/** Asks the model for a plan, validates and repairs it, prints it. Runs nothing. */
export async function planCommand(io: CliIO, goal: string, flags: PlanFlags): Promise<ExitCodeValue> {
  if (!goal.trim()) throw new CliError({ message: 'the goal is empty; say what to do, e.g. ksa plan "deploy ./shop on port 8080"' });
  const format = planOutputFormat(flags);
  const maxRepairs = parseWholeNumber(flags.maxRepairs, '--max-repairs', 0);
  // Found now, not after the model was paid for.
  const file = flags.output === undefined ? undefined : await checkOutputFile(io.cwd, flags.output);
  const workspace = await workspaceOption(io.cwd, flags.workspace, io.cwd);
  const stores = openStores(io);
  const { config, model } = await openModel(io.env, stores.home);
  // The plan must pass the policy `ksa run` will apply: the planner is told it and repairs denied plans.
  const policy = await loadPolicy(stores.home, workspace);
  const style = createStyler(colorEnabled(io.stderr, io.env));
  writeLine(io.stderr, style.dim(`Planning with ${describeEndpoint(config)}…`));

  const commandTools = await openCommandTools(io, workspace);
  await commandTools.startAll();
  const tools = commandTools.registry;
  const scan = await gatherWorkspaceContext(workspace, io.env);
  for (const notice of instructionNotices(scan.instructions)) writeWarning(io.stderr, notice);
  const interrupt = interruptible();
  let result;
  try {
    result = await planGoal(goal, {
      model,
      tools,
      context: formatWorkspaceContext(scan),
      kube: { context: scan.kubeContext, namespace: scan.kubeNamespace },
      maxRepairs,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      abortSignal: interrupt.signal,
      onContextRetry: () => writeLine(io.stderr, style.yellow(`The prompt did not fit the model's context window; asking again with less context. To avoid this, ${CONTEXT_HINT}.`)),
      policy,
      onRepair: (attempt, problems) => writeLine(io.stderr, style.yellow(`The plan had ${plural(problems.length, 'problem')}; asking the model to fix ${problems.length === 1 ? 'it' : 'them'} (repair ${attempt})…`)),
    });
  } catch (error) {
    const interrupted = interrupt.exitCode();
    if (interrupted !== undefined) return interrupted;
    const failure = modelFailure(error, config);
    if (flags.json) writeLine(io.stdout, failureDocument(failure));
    throw failure;
  } finally {
    interrupt.dispose();
  }

  const text = flags.json ? `${JSON.stringify({ plan: result.plan, attempts: result.attempts, repairs: result.repairs, totalTokens: result.totalTokens }, null, 2)}\n` : formatPlanAs(result.plan, format);
  if (file !== undefined && flags.output !== undefined) {
    await writeOutputFile(file, flags.output, text);
    const where = path.dirname(file) === workspace ? '' : ` --workspace ${shellPath(path.relative(io.cwd, workspace) || '.')}`;
    const hint = `ksa run ${shellPath(flags.output)}${where}${inputsToGive(result.plan, tools.catalog()).map((name) => ` --input ${quoteArg(`${name}=`)}\u2026`).join('')}`;
    const count = result.plan.steps.length;
    const repairs = result.attempts > 1 ? `, valid after ${result.attempts - 1} repair${result.attempts > 2 ? 's' : ''}` : '';
    // A diagram, or the --json report around the plan, is not a plan file: ksa run would refuse it.
    const runnable = !flags.json && format !== 'mermaid';
    const next = runnable ? `Review it, then run it with: ${hint}` : `It is ${flags.json ? 'a report around the plan' : 'a diagram of the plan'}; for a file ksa run takes, use --format yaml (or json) without --json`;
    writeLine(io.stderr, `Wrote ${flags.output} (${plural(count, 'step')}${repairs}). ${next}`);
  } else {
    // On a terminal, a bidi override or an escape in a step is shown, not obeyed; a pipe or a file gets the plan as it is.
    io.stdout.write(io.stdout.isTTY ? text.split('\n').map(terminalSafe).join('\n') : text);
  }
  return ExitCode.ok;
}

/** The inputs the plan declares without a value that a step reads: ksa run refuses the plan until each is given. */
function inputsToGive(plan: Plan, tools: ToolCatalog): string[] {
  const checked = validatePlan(plan, { tools, maxSteps: plan.steps.length });
  return checked.issues.filter((issue) => issue.code === 'missing_input').map((issue) => String(issue.path[1]));
}

/** A path as the user can paste it into a shell: quoted when needed (`'my plan.yaml'`), and not taken for an option. */
function shellPath(file: string): string {
  return quoteArg(file.startsWith('-') ? `./${file}` : file);
}
