import { KsaError } from '../planning/ksa-error.js';
import type { Plan, Step } from '../planning/schema.js';
import { isRecord } from '../planning/values.js';
import { hasTemplate } from '../planning/templates.js';
import { classifyDocker, classifyHelm, classifyKubectl, classifyPodman, type ArgvClassifier } from './cluster-tools.js';
import { classifyCommand } from './command-risk.js';
import { destroyRisk, maxRisk, readRisk, riskRank, writeRisk, type RiskLevel, type StepRisk } from './risk-level.js';
import { classifyShell } from './shell-risk.js';
import { settingsFileMention } from './settings-files.js';
import { lineScriptRisk, planScripts, scriptsRisk } from './plan-scripts.js';
import { destroyPlansAcrossSteps } from './plan-destroy-plans.js';
import { steeringRisk } from './steering-variables.js';
import { literalWord, type ShellParser, type ShellWord } from './shell-syntax.js';
import type { CommandOf } from './tool-command.js';
import { resolvedSegments } from './path-segments.js';

/**
 * MCP tool annotations (`readOnlyHint`, `destructiveHint`), as a server declares them. MCP's defaults:
 * readOnlyHint false, and destructiveHint true where readOnlyHint is false.
 */
export interface ToolHints {
  readonly readOnlyHint?: boolean;
  readonly destructiveHint?: boolean;
}

export interface PlanRisk {
  /** The highest level of its steps. */
  readonly level: RiskLevel;
  /** By step id. */
  readonly steps: Readonly<Record<string, StepRisk>>;
  /** Steps that write a file another step runs (`write_file deploy.sh`, then `sh deploy.sh`): a plan card shows the start of its text. */
  readonly scriptWriters?: readonly string[];
}

export interface RiskOptions {
  /** Annotations of tools that are not built in (MCP tools), by tool name. */
  readonly toolHints?: (tool: string) => ToolHints | undefined;
  /**
   * Parses bash; required as soon as a plan has a `shell` step (the parser is a WASM module
   * that an outer layer loads: `parseShell` from src/tools).
   */
  readonly parseShell?: ShellParser;
  /** The program call a tool makes (k8s_rollback runs kubectl …), rated like that program's argv. */
  readonly commandOf?: CommandOf;
  /** How a shell line may name ksa's home folder (settingsHomeSpellings): a write that names a settings file there is a destroy step. */
  readonly settingsHome?: readonly string[];
  /** The workspace's absolute path: a script named by its absolute path in it is the plan's file of that name. */
  readonly workspace?: string;
  /** An absolute path with its symbolic links resolved (realPathOf from src/tools): `<link to the workspace>/x` is the workspace's `x`. */
  readonly realPath?: (absolute: string) => string;
}

type AssessCall = (tool: string, args: Readonly<Record<string, unknown>>) => Promise<StepRisk>;

function once(seen: Map<string, Promise<StepRisk>>, tool: string, args: Readonly<Record<string, unknown>>, options: RiskOptions): Promise<StepRisk> {
  const key = `${tool}\u0000${JSON.stringify(args)}`;
  let risk = seen.get(key);
  if (risk === undefined) {
    risk = assessCallRisk(tool, args, options);
    seen.set(key, risk);
  }
  return risk;
}

export class ShellParserMissingError extends KsaError {
  constructor() {
    super({ name: 'ShellParserMissingError', message: 'assessing the risk of a shell step needs a shell parser: pass riskOptions(registry) (or { parseShell }) from src/tools to assessPlanRisk' });
  }
}

/**
 * Each step's risk and the plan's (its highest step). A step's risk is the higher of its
 * action's and its rollback's: the rollback runs without a further question when a later
 * step fails, so approving the step approves its undo too.
 */
export async function assessPlanRisk(plan: Plan, options: RiskOptions = {}): Promise<PlanRisk> {
  const steps: Record<string, StepRisk> = {};
  let level: RiskLevel = 'read';
  // Generated plans repeat calls (the same check on every host): each distinct call is assessed once.
  const seen = new Map<string, Promise<StepRisk>>();
  const assess: AssessCall = (tool, args) => once(seen, tool, args, options);
  // A script another step writes is rated by its text: `sh deploy.sh` is as risky as what deploy.sh says.
  const scripts = await planScripts(plan, options.parseShell, options.workspace, options.realPath);
  // `terraform plan -destroy -out=p` in one step, `terraform apply p` in another.
  const destroyPlans = options.parseShell === undefined ? new Map<string, StepRisk>() : await destroyPlansAcrossSteps(plan, options.parseShell, options.workspace === undefined ? undefined : { path: options.workspace, ...(options.realPath ? { realPath: options.realPath } : {}) });
  for (const step of plan.steps) {
    const applied = destroyPlans.get(step.id);
    const own = applied === undefined ? await stepRisk(step, assess) : maxRisk(await stepRisk(step, assess), clipped(applied));
    const ran = scripts.get(step.id);
    const script = ran === undefined ? undefined : await scriptsRisk(ran, options.parseShell!);
    const risk = script === undefined || riskRank(script.level) < riskRank(own.level) ? own : clipped(script);
    steps[step.id] = risk;
    level = maxRisk({ level, reason: '' }, risk).level;
  }
  const writers = [...new Set([...scripts.values()].flat().map((script) => script.writer))];
  return { level, steps, ...(writers.length > 0 ? { scriptWriters: writers } : {}) };
}

export function assessStepRisk(step: Step, options: RiskOptions = {}): Promise<StepRisk> {
  return stepRisk(step, (tool, args) => assessCallRisk(tool, args, options));
}

async function stepRisk(step: Step, assess: AssessCall): Promise<StepRisk> {
  if (step.type === 'llm_query') return readRisk('asks the model');
  if (step.type === 'condition') return readRisk('evaluates a condition');
  const action = await assess(step.tool, step.args);
  if (!step.rollback) return action;
  const rollback = await assess(step.rollback.tool, step.rollback.args);
  return rollback.level === 'read' || maxRisk(action, rollback) === action ? action : { ...rollback, reason: `rollback: ${rollback.reason}` };
}

/** A path with a template after `.ksa/` may turn out to be the policy file: known only once it is built. */
const POLICY_FILE_TEMPLATE = /\.ksa[\\/].*\{\{/;

/**
 * `.ksa/policy.yaml` however the path spells it (`./.ksa//policy.yaml`, `x/../.ksa/policy.yaml`,
 * `.ksa/policy.yaml/`, or a template): the path is read as write_file reads it (Node's
 * path.resolve), `.` and empty segments dropped, `..` taken back, no trailing slash.
 */
function namesPolicyFile(filePath: string): boolean {
  if (POLICY_FILE_TEMPLATE.test(filePath)) return true;
  const segments = resolvedSegments(filePath.split(/[\\/]/));
  return segments.at(-2) === '.ksa' && /^policy\.ya?ml$/.test(segments.at(-1) ?? '');
}

/**
 * The same file named anywhere in a shell line, or its folder and its name apart (`cd .ksa && … > policy.yaml`,
 * `cp x/policy.yaml .ksa/`); or the `.ksa` folder itself (`ln -s .ksa cfg`, `cp -r x .ksa`), which makes or
 * replaces a way to it that a later line could write through.
 */
const POLICY_FILE_MENTION = /\.ksa[\\/]+(\.[\\/]+)*policy\.ya?ml\b|\.ksa\b[\s\S]*\bpolicy\.ya?ml\b|(^|[\s'"=/])\.ksa[\\/]*(?=$|[\s'";|&)<>])/;

/**
 * Whether a call names ksa's rules where its rating looks for them: a `write_file` of `.ksa/policy.yaml`, or a shell
 * line naming that file, its `.ksa` folder, or ksa's home folder (with or without one of its settings files). Such a
 * call rated destroy is always asked, so the user saw that it may change or remove them (`rm -rf .ksa`).
 */
export function callNamesSettings(tool: string, args: Readonly<Record<string, unknown>>, options: RiskOptions = {}): boolean {
  if (tool === 'write_file') return typeof args.path === 'string' && namesPolicyFile(args.path);
  if (tool !== 'shell' || typeof args.command !== 'string') return false;
  return POLICY_FILE_MENTION.test(args.command) || (options.settingsHome !== undefined && settingsFileMention(args.command, options.settingsHome) !== undefined);
}

const ARGV_TOOLS: Readonly<Record<string, ArgvClassifier>> = { kubectl: classifyKubectl, helm: classifyHelm, docker: classifyDocker, podman: classifyPodman };

/**
 * Tools whose command itself may come from a template (a shell line, an argv, a method): what such a
 * call does is known only once it is built. A typed tool does what its name says.
 */
export const FREE_FORM_TOOLS: ReadonlySet<string> = new Set(['shell', 'http', ...Object.keys(ARGV_TOOLS)]);

/** The risk of one tool call (a step's action or its rollback); the reason fits on a line. */
export async function assessCallRisk(tool: string, args: Readonly<Record<string, unknown>>, options: RiskOptions = {}): Promise<StepRisk> {
  return clipped(await callRisk(tool, args, options));
}

function clipped(risk: StepRisk): StepRisk {
  return risk.reason.length <= MAX_REASON ? risk : { ...risk, reason: `${risk.reason.slice(0, MAX_REASON - 1)}…` };
}

const MAX_REASON = 100;

async function callRisk(tool: string, args: Readonly<Record<string, unknown>>, options: RiskOptions): Promise<StepRisk> {
  switch (tool) {
    case 'shell': {
      if (typeof args.command !== 'string') return writeRisk('shell command not given as text');
      if (!options.parseShell) throw new ShellParserMissingError();
      const env = Object.entries(isRecord(args.env) ? args.env : {}).map(([name, value]) => ({ name, value: typeof value === 'string' && !hasTemplate(value) ? value : undefined }));
      // `${TOOL:-ls}` with `env: { TOOL: rm }` runs rm: the line is rated with the variables the step sets.
      const rated = await classifyShell(args.command, options.parseShell, 0, new Set(), { values: new Map(env.map((entry) => [entry.name, entry.value])), anything: false });
      const itself = await lineScriptRisk(args.command, options.parseShell);
      const shell = itself === undefined ? rated : maxRisk(rated, itself);
      // A line that changes something and names the workspace's rules may be rewriting them (`> .ksa/policy.yaml`, `cp`, `tee`).
      const settings = shell.level === 'write' && options.settingsHome ? settingsFileMention(args.command, options.settingsHome) : undefined;
      const risk =
        shell.level === 'write' && POLICY_FILE_MENTION.test(args.command)
          ? destroyRisk(`may rewrite the workspace permission policy (${shell.reason})`)
          : settings
            ? destroyRisk(`may rewrite ksa's own ${settings} (${shell.reason})`)
            : shell;
      const steering = await steeringRisk(env, (code) => classifyShell(code, options.parseShell!));
      return steering === undefined ? risk : maxRisk(risk, steering);
    }
    case 'http':
      return httpRisk(args.method);
    case 'read_file':
      return readRisk('reads a file');
    case 'write_file':
      // The workspace's own rules: a plan that rewrites them changes what the next plan may do.
      if (typeof args.path === 'string' && namesPolicyFile(args.path)) return destroyRisk('rewrites the workspace permission policy (.ksa/policy.yaml)');
      return writeRisk(args.append === true ? 'appends to a file' : 'writes a file');
    case 'sleep':
      return readRisk('waits');
  }
  const argv = ARGV_TOOLS[tool];
  if (argv) {
    const list = Array.isArray(args.args) ? args.args : undefined;
    if (list === undefined) return writeRisk(`${tool} arguments not given as a list`);
    return argvRisk(argv, list, options);
  }
  const command = options.commandOf?.(tool, args);
  const runs = command === undefined ? undefined : ARGV_TOOLS[command.program];
  if (command !== undefined && runs !== undefined) {
    const risk = await argvRisk(runs, command.args, options);
    const ran = { ...risk, reason: `${tool} runs ${risk.reason}` };
    // k8s_port_forward then sends a request through the tunnel: a DELETE there is a DELETE.
    return tool === 'k8s_port_forward' && args.method !== undefined ? maxRisk(ran, httpRisk(args.method)) : ran;
  }
  const hints = options.toolHints?.(tool);
  if (hints?.destructiveHint === true) return destroyRisk(`${tool} is marked destructive`);
  if (hints?.readOnlyHint === true) return readRisk(`${tool} is marked read-only`);
  // MCP: a tool marked not read-only may be destructive unless it says it is not (destructiveHint defaults to true).
  if (hints?.readOnlyHint === false && hints.destructiveHint === undefined) return destroyRisk(`${tool} is marked not read-only, and not as non-destructive`);
  return writeRisk(hints ? `${tool} is not marked read-only` : `${tool} is not known to be read-only`);
}

async function argvRisk(classify: ArgvClassifier, args: readonly unknown[], options: RiskOptions): Promise<StepRisk> {
  const parse = options.parseShell;
  const risk = await classify(
    args.map(argWord).map((word) => word.literal),
    (inner, where) =>
      classifyCommand(inner.map((text) => (text === undefined ? { text: '', hints: [] } : literalWord(text))), {
        stdin: { kind: 'none' },
        script: (code) => (parse ? classifyShell(code, parse) : Promise.resolve(writeRisk('runs a shell script'))),
      }).then((risk) => (risk.level === 'read' ? risk : { ...risk, reason: `${risk.reason} ${where}` })),
  );
  // A subcommand from `{{ … }}` is rated again once filled in, before it runs (a delete then needs a run approved for destroy steps).
  if (risk.level === 'destroy' && risk.reason.includes('chosen at run time') && args.some((arg) => argWord(arg).literal === undefined)) {
    return writeRisk(risk.reason.replace(/ \(may [^)]*\)/, '').replace('chosen at run time', 'filled in at run time ({{ … }})'));
  }
  return risk;
}

/** An argv word; a `{{ template }}` is only known at run time. */
function argWord(value: unknown): ShellWord {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? '';
  return /\{\{[\s\S]*?\}\}/.test(text) ? { text, hints: [] } : literalWord(text);
}

function httpRisk(method: unknown): StepRisk {
  if (method === undefined) return readRisk('GET request');
  if (typeof method !== 'string') return writeRisk('HTTP method chosen at run time');
  const upper = method.toUpperCase();
  if (upper === 'GET' || upper === 'HEAD' || upper === 'OPTIONS') return readRisk(`${upper} request`);
  if (upper === 'DELETE') return destroyRisk('DELETE request');
  return writeRisk(`${/^[A-Z]+$/.test(upper) ? upper : 'HTTP'} request`);
}
