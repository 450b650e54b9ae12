import { cancelUnderWay, formatPath, isFinished, unsetEnvReadsOnResume, validatePlan, type RunState } from '../../planning/index.js';
import { resumeOutline } from '../../agent/resume-outline.js';
import { declaredInputs, legacyRollbackReading, maskedOnResume, ownerName, runDir, secretInputsNotGiven, secretValues, takeOverHint } from '../../store/index.js';
import { CliError } from '../errors.js';
import { ExitCode, type ExitCodeValue } from '../exit-codes.js';
import { writeLine, writeWarning, type CliIO } from '../io.js';
import { MAX_PARALLEL, parseDuration, parseInputs, parseWholeNumber } from '../options.js';
import { formatPlan, planCardRedactor } from '../../tui/plan-lines.js';
import { queryModelFor } from '../query-model.js';
import { runSession } from '../run-session.js';
import { colorEnabled, createStyler } from '../../tui/style.js';
import { allowedEnvironment, openStores } from '../stores.js';
import { refuseUnsetEnv } from '../unset-env.js';
import { openCommandTools } from '../mcp-tools.js';
import { approvePlan, assessOrRefuse, parseApprovalMode } from '../plan-approval.js';
import { loadPolicy } from '../policy-files.js';
import { recordedPlanFile } from '../recorded-plan-file.js';
import { readGivenInputs } from '../given-inputs.js';

import { describeWorkers, mayUseWorkers, redisUrlFor, refuseOtherRedis, stopEarlierRollbacks, withRemoteSteps, type RemoteFlags } from '../remote-run.js';
import { runCommandHint } from '../../workers/redis-url.js';
import { kubeContextLine } from '../../tools/kube/context-guard.js';
import { planCardKube } from '../plan-card-kube.js';

export type ResumeFlags = { yes?: boolean; json?: boolean; input: string[]; maxParallel?: string; approve?: string; allowDestroy?: boolean; follow?: boolean } & RemoteFlags;

/**
 * Continues an interrupted or paused run: steps recorded as succeeded (or
 * skipped) are not run again and their outputs still feed templates; steps
 * that were running when it stopped run again (at-least-once).
 */
export async function resumeCommand(io: CliIO, runIdArg: string, flags: ResumeFlags): Promise<ExitCodeValue> {
  // A bad value is a usage error now, not a failure once Redis has answered or the run was looked up.
  parseDuration(flags.workerWait, '--worker-wait');
  const maxParallel = parseWholeNumber(flags.maxParallel, '--max-parallel', 1, MAX_PARALLEL);
  const stores = openStores(io);
  const { runId, record, status, owner } = await stores.runs.inspect(runIdArg);
  if (isFinished(status)) {
    throw new CliError({ message: `run ${runId} already finished (${status}); there is nothing to resume${record.planFile ? `. Run it again with: ksa run ${record.planFile}` : ''}` });
  }
  if (owner && status === 'paused') {
    // It goes on in its process, as that process started it: these flags cannot reach it.
    const ignored = [flags.input.length > 0 && '--input', maxParallel !== undefined && '--max-parallel', flags.approve !== undefined && '--approve', flags.allowDestroy && '--allow-destroy', flags.redis !== undefined && '--redis'].filter((flag): flag is string => typeof flag === 'string');
    if (ignored.length > 0) writeLine(io.stderr, `ksa: warning: ${ignored.join(', ')} ${ignored.length === 1 ? 'does' : 'do'} not apply: run ${runId} goes on in process ${owner.pid} as it was started there`);
    return (await import('./pause.js')).resumeLiveRun(io, stores, runId, owner, { json: flags.json === true, follow: flags.follow === true });
  }
  if (owner) {
    throw new CliError({ message: `run ${runId} is still running in ${ownerName(owner)} (${owner.command}); wait for it, or stop it with: ${runCommandHint('cancel', runId, record.redis, io.env.KSA_REDIS_URL)}${takeOverHint(runDir(stores.home, runId), owner)}` });
  }
  // The user asked for it to be undone: running its steps again would do the opposite, whatever the stop cut short.
  if (cancelUnderWay(record.state)) {
    throw new CliError({ message: `run ${runId} was being cancelled when its process stopped, so it is not resumed; finish the cancel (its rollback) with: ${runCommandHint('cancel', runId, record.redis, io.env.KSA_REDIS_URL)}` });
  }
  // No --input can give back a secret written into a step, or one a step printed: the run can only start afresh from its plan.
  const masked = maskedOnResume(record);
  if (masked !== undefined) {
    throw new CliError({ message: `run ${runId} cannot be resumed: ${masked}; nothing was run. ${record.planFile ? `ksa run ${record.planFile} starts it afresh` : 'Run its plan afresh'}` });
  }
  // Read as the plan's defaults are written, as ksa run reads them (a secret one's as declared: it is stored as ***).
  const declared = declaredInputs(record);
  const given = readGivenInputs(declared, parseInputs(flags.input));
  const mode = parseApprovalMode(flags.approve);
  const missing = secretInputsNotGiven(record, given);
  if (missing.length > 0) {
    throw new CliError({ message: `input${missing.length > 1 ? 's' : ''} ${missing.join(', ')} ${missing.length > 1 ? 'were' : 'was'} not stored (they hold secrets); pass ${missing.map((name) => `--input ${name}=…`).join(' ')} again` });
  }

  // Its steps went to workers: without the same Redis they would run here instead (and those a worker
  // finished would run again). One done here alone needs none: only --redis sends its steps to workers.
  const redisUrl = flags.redis !== undefined || mayUseWorkers(record) ? await redisUrlFor(io, flags.redis, stores.home, (url) => refuseOtherRedis(runId, record.redis, url, 'resume')) : undefined;
  refuseOtherRedis(runId, record.redis, redisUrl, 'resume');

  const style = createStyler(colorEnabled(io.stderr, io.env));
  const commandTools = await openCommandTools(io, record.workspace);
  stores.addSecrets(commandTools.hub.secrets());
  if (redisUrl) stores.addSecrets(secretValues({ redisUrl }));
  await commandTools.prepareFor(record.plan);
  const { registry } = commandTools;
  // Inputs given again are held to the plan as ksa run holds them: declared, and of the default's kind.
  const checked = validatePlan({ ...record.plan, inputs: declared }, { tools: registry.catalog(), inputs: { ...record.inputs, ...given }, maxSteps: record.plan.steps.length, allowedEnv: record.allowedEnv });
  if (!checked.ok) throw new CliError({ message: `run ${runId} cannot go on with these inputs: ${checked.issues.map((issue) => issue.message).join('; ')}` });
  // As checked: one the plan reads as a number is one (`-2.5`), as ksa run reads it.
  const inputs = Object.fromEntries(Object.keys(given).map((name) => [name, checked.inputs[name]]));
  // As ksa run refuses it, and the chat's /resume: a step that runs again (one whose rollback began, or built on one
  // undone, too) reading an allow-listed variable not set now would fail mid-run; a done one's rollback, if it fails now.
  refuseUnsetEnv(`run ${runId}`, unsetEnvReadsOnResume(record.plan, record.state, allowedEnvironment(io, record.allowedEnv)));
  // The policy as it is now: a step denied since the run started does not run.
  const policy = await loadPolicy(stores.home, record.workspace);
  // One assessment serves the plan print (each step's risk) and the approval.
  const assessment = await assessOrRefuse(record.plan, policy, mode, registry, `run ${runId}`, { ...record.inputs, ...inputs }, () => recordedPlanFile(record, io.cwd), record.workspace);
  // The card shows the inputs it will go on with: the run's, and those given again now.
  const shown = { ...record.plan, inputs: { ...record.plan.inputs, ...record.inputs, ...inputs } };
  // Cards name each cluster step's namespace from kubeconfig, as ksa run's do.
  const { tools, shellKube } = await planCardKube(shown, registry, io.env);
  for (const line of formatPlan(shown, tools, style, { maxParallel: record.maxParallel, risk: assessment.risk, shellKube, redactor: stores.redactor })) writeLine(io.stderr, line);
  // What ksa run warned of the plan holds for the inputs it goes on with (a comparison always false), said as it says it.
  for (const { path, message } of checked.warnings) writeWarning(io.stderr, planCardRedactor(shown, stores.redactor).text(`run ${runId} ${formatPath(path)}: ${message}`));
  if (record.kubeContext !== undefined) writeLine(io.stderr, style.dim(kubeContextLine(record.kubeContext, true)));
  writeLine(io.stderr);
  for (const line of resumeOutline(record.plan.steps, record.state.steps, redisUrl !== undefined, legacyRollbackReading(record))) writeLine(io.stderr, line);
  if (redisUrl) {
    const { lines, warnings } = await describeWorkers(redisUrl, record.plan, flags.localDefault === true, registry.catalog());
    for (const line of lines) writeLine(io.stderr, style.dim(line));
    for (const warning of warnings) writeWarning(io.stderr, warning);
  }
  writeLine(io.stderr);

  const queryModel = await queryModelFor(io, record.plan, stores.home);
  // An approval binds to the plan and the inputs as they are now: the stored ones with the ones given again.
  const approvedInputs = { ...record.inputs, ...inputs };
  const { exitCode: approved, approval } = await approvePlan(io, {
    ...flags,
    plan: record.plan,
    inputs: approvedInputs,
    assessment,
    question: `Resume run ${runId}?`,
    command: `ksa resume ${runId}`,
    style,
    redactor: stores.redactor,
  });
  if (approved !== ExitCode.ok || !approval) return approved;

  const run = await stores.runs.open(runId, `ksa resume ${runId}`, { inputs });
  try {
    // Checked against the record as reopened under the lock: a run changed since it was shown is not run.
    await run.recordApproval(approval, { ...run.record.inputs, ...inputs });
  } catch (error) {
    await run.close();
    throw error;
  }
  // A rollback its predecessor had under way on a worker would go on undoing the step as it runs again.
  if (redisUrl) await stopRollbacksOnWorkers(io, redisUrl, run);
  // Steps its predecessor sent to workers are collected by their job ids, not run again.
  const warn = (line: string) => writeWarning(io.stderr, line);
  const { exitCode } = await withRemoteSteps(run, { url: redisUrl, runId, plan: record.plan, tools: registry.catalog(), flags: { ...flags, reattach: true, warn } }, (remote) =>
    runSession(io, { run, remote, registry, env: allowedEnvironment(io, record.allowedEnv), inputs, maxParallel, json: flags.json === true, mode: 'resume', queryModel, policy, readPolicy: () => loadPolicy(stores.home, record.workspace) }),
  );
  return exitCode;
}

/** Stops the rollbacks of the run still queued or running on workers (the stopped run's), and waits for them to end. */
async function stopRollbacksOnWorkers(io: CliIO, url: string, run: { readonly runId: string; readonly record: { readonly state: Pick<RunState, 'steps'> } }): Promise<void> {
  const { said, warnings } = await stopEarlierRollbacks(url, run.runId, run.record.state);
  for (const line of said) writeLine(io.stderr, `ksa: ${line}`);
  for (const line of warnings) writeWarning(io.stderr, line);
}

