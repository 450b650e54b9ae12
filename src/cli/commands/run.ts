import { buildGraph, criticalPathLengths, depthLevels, initialRunState, unsetEnvReads, type Plan } from '../../planning/index.js';
import { approvedKubeContext, kubeContextLine, stepsOnCurrentContext } from '../../tools/index.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { literalCredentialWarnings } from '../../planning/credential-shapes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { loadValidPlan } from '../load-plan.js';
import { openCommandTools } from '../mcp-tools.js';
import { checkEnvNames, MAX_PARALLEL, parseDuration, parseInputs, parseWholeNumber } from '../options.js';
import { formatDryRun, formatPlan, planCardRedactor } from '../../tui/plan-lines.js';
import { planCardKube } from '../plan-card-kube.js';
import { newRunId } from '../run-id.js';
import { queryModelFor } from '../query-model.js';
import { createRedactor, ensurePrivateDir, ksaHome, secretValues } from '../../store/index.js';
import { runSession } from '../run-session.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { allowedEnvironment, openStores } from '../stores.js';
import { refuseUnsetEnv } from '../unset-env.js';
import { approvePlan, assessOrRefuse, parseApprovalMode } from '../plan-approval.js';
import type { PolicyAssessment } from '../../policy/rules/index.js';
import { loadPolicy, unappliedPolicyNote } from '../policy-files.js';
import { planFolder, workspaceOption } from '../workspace-option.js';
import { describeWorkers, redisUrlFor, withRemoteSteps, type RemoteFlags } from '../remote-run.js';
import { recordedRedisUrl } from '../../workers/redis-url.js';

export type RunFlags = {
  yes?: boolean;
  maxParallel?: string;
  maxSteps?: string;
  dryRun?: boolean;
  json?: boolean;
  input: string[];
  allowEnv: string[];
  workspace?: string;
  approve?: string;
  allowDestroy?: boolean;
} & RemoteFlags;

export async function runCommand(io: CliIO, file: string, flags: RunFlags): Promise<ExitCodeValue> {
  const given = parseInputs(flags.input);
  const maxParallel = parseWholeNumber(flags.maxParallel, '--max-parallel', 1, MAX_PARALLEL);
  const mode = parseApprovalMode(flags.approve);
  // A bad value is a usage error now, not a failure once Redis has answered.
  parseDuration(flags.workerWait, '--worker-wait');
  checkEnvNames(flags.allowEnv);
  const home = ksaHome(io.env);
  const workspace = await workspaceOption(io.cwd, flags.workspace, await planFolder(io.cwd, file));
  const commandTools = await openCommandTools(io, workspace);
  const { registry } = commandTools;
  const policy = await loadPolicy(home, workspace);
  const unapplied = unappliedPolicyNote(io.cwd, workspace);
  if (unapplied !== undefined) io.stderr.write(unapplied);
  const { file: planFile, plan, inputs, warnings: planWarnings } = await loadValidPlan(io, file, registry, {
    given,
    maxSteps: parseWholeNumber(flags.maxSteps, '--max-steps'),
    allowedEnv: flags.allowEnv,
    mcp: commandTools,
    policy,
    stdin: io.stdin,
    workspace,
  });
  refuseUnsetEnv(file, unsetEnvReads(plan, allowedEnvironment(io, flags.allowEnv)));
  const style = createStyler(colorEnabled(io.stderr, io.env));
  const shown = { ...plan, inputs: { ...plan.inputs, ...inputs } };
  // Cluster steps show the context and namespace they touch, as do shell steps whose line runs kubectl or helm;
  // the run refuses any other context.
  const { kube, tools, shellKube } = await planCardKube(shown, registry, io.env);
  const kubeContext = await approvedKubeContext(plan, inputs, registry, async () => kube.context);
  // A cluster step that names no context works in the current one: in a plan for another, it would be refused mid-run.
  const unnamed = stepsOnCurrentContext(plan, registry, kubeContext, kube.context);
  if (unnamed.length > 0) {
    const steps = unnamed.length === 1 ? `step ${unnamed[0]} names` : `steps ${unnamed.join(', ')} name`;
    throw new CliError({
      message: `${file}: ${steps} no kube context, so kubectl would use the current one, ${kube.context ?? '(none)'}, but the plan is for "${kubeContext}" (its kubeContext input): give ${unnamed.length === 1 ? 'it' : 'them'} context: "{{ inputs.kubeContext }}", or switch with kubectl config use-context ${kubeContext}; nothing was run`,
    });
  }
  // One assessment serves the plan print (each step's risk) and the approval.
  const assessment = await assessOrRefuse(plan, policy, mode, registry, file, inputs, undefined, workspace);
  const { risk } = assessment;
  // What the card and the question quote of the plan hides what the run will hide: the environment's secrets, the servers'.
  let redactor = createRedactor([...secretValues(io.env), ...commandTools.hub.secrets()]);
  const warnings = [...planWarnings, ...literalCredentialWarnings(plan)];

  if (flags.dryRun) {
    // On stderr, as a run says them: --json keeps stdout one document.
    for (const warning of warnings) writeWarning(io.stderr, planCardRedactor(shown, redactor).text(warning));
    if (flags.json) {
      writeLine(io.stdout, JSON.stringify(dryRunDocument(shown, assessment, planCardRedactor(shown, redactor).text), null, 2));
    } else {
      const out = createStyler(colorEnabled(io.stdout, io.env));
      for (const line of formatPlan(shown, tools, out, { maxParallel, risk, shellKube, redactor })) writeLine(io.stdout, line);
      writeLine(io.stdout);
      for (const line of formatDryRun(shown, out, maxParallel)) writeLine(io.stdout, line);
    }
    return ExitCode.ok;
  }

  // A store that cannot be written, or settings that cannot be read, are said before the plan is shown and approved, not after.
  await ensurePrivateDir(home);
  const redisUrl = await redisUrlFor(io, flags.redis, home);
  if (redisUrl) redactor = redactor.with(secretValues({ redisUrl }));
  for (const line of formatPlan(shown, tools, style, { maxParallel, risk, shellKube, redactor })) writeLine(io.stderr, line);
  writeLine(io.stderr, style.dim(`  workspace: ${workspace}`));
  for (const warning of warnings) writeWarning(io.stderr, planCardRedactor(shown, redactor).text(warning));
  if (kubeContext !== undefined) writeLine(io.stderr, style.dim(kubeContextLine(kubeContext)));
  // Workers: Redis is checked before approval, so a bad URL starts nothing.
  if (redisUrl) {
    const { lines, warnings } = await describeWorkers(redisUrl, plan, flags.localDefault === true, registry.catalog());
    for (const line of lines) writeLine(io.stderr, style.dim(line));
    for (const warning of warnings) writeWarning(io.stderr, warning);
  }
  writeLine(io.stderr);

  // Checked before approval: a plan that cannot run is refused before anything starts.
  const queryModel = await queryModelFor(io, plan, home);
  const { exitCode: approved, approval } = await approvePlan(io, {
    ...flags,
    plan,
    inputs,
    assessment,
    question: plan.steps.length === 1 ? 'Run this step?' : `Run these ${plan.steps.length} steps?`,
    command: `ksa run ${file}`,
    style,
    planFromStdin: file === '-',
    redactor,
  });
  if (approved !== ExitCode.ok || !approval) return approved;

  const runId = newRunId();
  const stores = openStores(io);
  stores.addSecrets(commandTools.hub.secrets());
  // `--redis redis://:pw@…`: a step that prints it (its worker's command line) must not write it down.
  if (redisUrl) stores.addSecrets(secretValues({ redisUrl }));
  const run = await stores.runs.create(
    {
      runId,
      goal: plan.goal,
      createdAt: new Date().toISOString(),
      ...(planFile.path ? { planFile: planFile.path } : {}),
      workspace,
      plan,
      inputs,
      allowedEnv: flags.allowEnv,
      ...(maxParallel ? { maxParallel } : {}),
      ...(kubeContext !== undefined ? { kubeContext } : {}),
      ...(redisUrl ? { redis: recordedRedisUrl(redisUrl) } : {}),
      state: initialRunState(runId, plan.goal, plan.steps.map((step) => step.id), { ...plan.inputs, ...inputs }),
    },
    `ksa run ${file}`,
  );
  await run.recordApproval(approval, inputs);
  const { exitCode } = await withRemoteSteps(run, { url: redisUrl, runId, plan, tools: registry.catalog(), flags }, (remote) =>
    runSession(io, { run, remote, registry, env: allowedEnvironment(io, flags.allowEnv), inputs, maxParallel, json: flags.json === true, mode: 'fresh', queryModel, policy, readPolicy: () => loadPolicy(home, workspace) }),
  );
  return exitCode;
}

/** What --dry-run prints: the order, and what the approval would weigh (each step's risk, the policy's decision). */
function dryRunDocument(plan: Plan, assessment: PolicyAssessment, hide: (text: string) => string): unknown {
  const graph = buildGraph(plan.steps);
  const lengths = criticalPathLengths(graph);
  const decided = new Map(assessment.decision.steps.map((step) => [step.stepId, step]));
  return {
    goal: hide(plan.goal),
    steps: plan.steps.length,
    waves: depthLevels(graph).map((level) => level.map((i) => graph.ids[i])),
    criticalPathLength: Math.max(...lengths),
    risk: assessment.risk.level,
    decision: assessment.decision.decision,
    stepRisks: plan.steps.map((step) => {
      const risk = assessment.risk.steps[step.id];
      const decision = decided.get(step.id);
      return { id: step.id, risk: risk?.level, riskReason: risk && hide(risk.reason), decision: decision?.decision, why: decision && hide(decision.why) };
    }),
  };
}
