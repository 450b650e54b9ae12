import type { Plan } from '../planning/schema.js';
import { hasTemplate } from '../planning/templates.js';
import { isRecord } from '../planning/values.js';
import { behindWrappers } from './behind-wrappers.js';
import { baseName, destroyPlanApplied, planFileUses, unquoted, type PlanFileUse } from './destroy-plan-files.js';
import { lineCommands, type LineCommand } from './line-commands.js';
import { lineFolders } from './line-folders.js';
import { resolvedSegments } from './path-segments.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import { programName } from './program-name.js';
import type { ShellParser, ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import { workspaceRelative, type WorkspaceRoot } from './workspace-relative.js';

/** A plan file by its path from the workspace root; one with a `$` in it is in a folder (or named) known only at run time. */
/** `handed`: applied by code the line hands to a shell (`bash -c 'terraform apply p'`), which may follow a save of its own line. */
type Applied = { readonly paths: readonly (string | undefined)[]; readonly text: string; readonly tool: string; readonly handed: boolean };
type Copy = { readonly from: readonly (string | undefined)[]; readonly to: readonly string[] | undefined };
/**
 * One shell call of a step (its action or its rollback): `key` tells calls of one step apart. `line`: the destroy plan
 * its own line saves and then applies, in the order it runs its commands.
 */
type Call = { readonly step: string; readonly key: string; readonly saved: (string | undefined)[]; readonly copies: Copy[]; readonly applied: Applied[]; line: StepRisk | undefined };
/** Which calls a destroy plan at a path comes from (saved there, or copied there from one); '' for one named at run time. */
type DestroyPlans = ReadonlyMap<string, ReadonlySet<string>>;

/** A call of a step as built at run time, its arguments rendered. */
export type BuiltCall = { readonly stepId: string; readonly phase: 'run' | 'rollback'; readonly args: Readonly<Record<string, unknown>> };

/**
 * A step that applies a plan file another step may have saved as a destroy plan (`terraform plan -destroy
 * -out=p` in one step, `terraform apply p` in a later one, or a copy or move of it between), by step id. Files
 * are matched by their path from each line's folders (the step's `cwd`, its `cd`s, terraform's `-chdir`); by name
 * alone where a folder is known only at run time. Every step counts, whatever the order: a plan may retry or loop.
 * A plan file named at run time may be any of them. Within one line, the order it runs its commands is followed.
 */
export async function destroyPlansAcrossSteps(plan: Plan, parse: ShellParser, workspace?: WorkspaceRoot): Promise<ReadonlyMap<string, StepRisk>> {
  const calls = await planCalls(plan, parse, workspace);
  const destroyPlans = destroyPlanSources(calls);
  const found = new Map<string, StepRisk>();
  for (const call of calls) {
    const risk = found.has(call.step) ? undefined : appliedDestroyPlan(call, calls, destroyPlans);
    if (risk !== undefined) found.set(call.step, risk);
  }
  return found;
}

/**
 * The destroy plan a call built at run time applies (`terraform apply {{ steps.get.output.stdout }}` built as
 * `terraform apply d.tfplan`), read with the plan's other calls as they are written: undefined when it applies none.
 */
export async function builtCallDestroyPlan(plan: Plan, built: BuiltCall, parse: ShellParser, workspace?: WorkspaceRoot): Promise<StepRisk | undefined> {
  const calls = await planCalls(plan, parse, workspace, built);
  const call = calls.find((each) => each.key === callKey(built.stepId, built.phase));
  return call === undefined ? undefined : appliedDestroyPlan(call, calls, destroyPlanSources(calls));
}

function callKey(step: string, phase: BuiltCall['phase']): string {
  return `${step}\u0000${phase}`;
}

async function planCalls(plan: Plan, parse: ShellParser, workspace: WorkspaceRoot | undefined, built?: BuiltCall): Promise<Call[]> {
  const calls: Call[] = [];
  for (const step of plan.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    for (const phase of ['run', 'rollback'] as const) {
      const written = phase === 'run' ? { tool: step.tool, args: step.args } : step.rollback;
      const args = built !== undefined && built.stepId === step.id && built.phase === phase ? built.args : written?.args;
      if (written?.tool === 'shell' && typeof args?.command === 'string') calls.push(await callPlanFiles(step.id, callKey(step.id, phase), args, parse, workspace));
    }
  }
  return calls;
}

function destroyPlanSources(calls: readonly Call[]): DestroyPlans {
  const destroyPlans = new Map<string, Set<string>>();
  const add = (path: string, from: Iterable<string>) => {
    const keys = destroyPlans.get(path) ?? new Set<string>();
    const before = keys.size;
    for (const key of from) keys.add(key);
    destroyPlans.set(path, keys);
    return keys.size > before;
  };
  for (const call of calls) for (const file of call.saved) add(file ?? '', [call.key]);
  for (let changed = destroyPlans.size > 0; changed; ) {
    changed = false;
    for (const call of calls) {
      for (const copy of call.copies) {
        const sources = copy.from.flatMap((file) => sourcesOf(destroyPlans, file));
        if (sources.length === 0) continue;
        for (const to of copy.to ?? ['']) changed = add(to, [...sources, call.key]) || changed;
      }
    }
  }
  return destroyPlans;
}

/** A destroy plan another call saves (or the call's own, applied by code it hands to a shell) that the call applies; else its line's. */
function appliedDestroyPlan(call: Call, calls: readonly Call[], destroyPlans: DestroyPlans): StepRisk | undefined {
  for (const applied of call.applied) {
    const source = applied.paths.flatMap((path) => sourcesOf(destroyPlans, path)).find((key) => key !== call.key || applied.handed);
    if (source === undefined) continue;
    const saver = calls.find((other) => other.key === source)!.step;
    const why = applied.paths.includes(undefined) ? `: ${unquoted(applied.text)} may be the destroy plan saved by step ${saver}` : ` applies a destroy plan step ${saver} saves`;
    return destroyRisk(`${applied.tool} apply ${applied.text}${why} (${applied.tool} plan -destroy)`);
  }
  return call.line;
}

/** The calls a destroy plan at this path may come from: any, for a path named at run time. */
function sourcesOf(destroyPlans: DestroyPlans, path: string | undefined): string[] {
  return [...destroyPlans].filter(([saved]) => path === undefined || saved === '' || samePlanFile(saved, path)).flatMap(([, keys]) => [...keys]);
}

function samePlanFile(a: string, b: string): boolean {
  return a === b || ((a.includes('$') || b.includes('$')) && baseName(a) === baseName(b));
}

async function callPlanFiles(step: string, key: string, args: Readonly<Record<string, unknown>>, parse: ShellParser, workspace: WorkspaceRoot | undefined): Promise<Call> {
  const call: Call = { step, key, saved: [], copies: [], applied: [], line: undefined };
  const command = args.command as string;
  // A `cwd` from a template is a folder known only at run time.
  const cwd = args.cwd === undefined ? '.' : typeof args.cwd === 'string' && !hasTemplate(args.cwd) ? args.cwd : '$cwd';
  const env = Object.entries(isRecord(args.env) ? args.env : {}).map(([name, value]): VariableSetting => ({ name, value: typeof value === 'string' && !hasTemplate(value) ? value : undefined }));
  // The folders of the line's `cd`s, in code it hands to a shell too.
  const folders = await lineFolders(command, cwd, parse);
  const at = (folder: string | undefined, file: string) => folders.map((cwd) => planPath(cwd, folder, file, workspace));
  const commands = await lineCommands(command, env, parse);
  const uses = planFileUses(
    commands.map((unit) => unit.words),
    commands.map((unit) => unit.streams),
  );
  for (const [i, use] of uses.flatMap((list, i) => list.map((use) => [i, use] as const))) {
    if (use.kind === 'saved') call.saved.push(...(use.file === undefined ? [undefined] : at(use.folder, use.file)));
    // `cp p backups` may put it in backups/p; `cp -t backups p` and `cp p backups/` do (`cp -t backups "$F"`: a name known only at run time).
    if (use.kind === 'copied') call.copies.push({ from: use.from.flatMap((file) => (file === undefined ? [undefined] : at('', file))), to: use.to === undefined || (use.into && use.from.includes(undefined)) ? undefined : [...(use.into ? [] : at('', use.to)), ...use.from.flatMap((file) => (file === undefined ? [] : at('', `${use.to}/${baseName(file)}`)))] });
    if (use.kind !== 'applied') continue;
    for (const word of use.files) {
      if (savedJustBefore(commands, uses, i, word, use.folder)) continue;
      call.applied.push({ paths: word.literal === undefined ? [undefined] : at(use.folder, word.literal), text: word.literal ?? word.text, tool: use.tool, handed: commands[i]!.handed });
    }
  }
  // In the order the line runs them, with the code it hands to a shell: `bash -c 'terraform plan -destroy -out=p'; terraform apply p`.
  call.line = destroyPlanApplied(
    commands.map((unit) => unit.words),
    commands.map((unit) => unit.streams),
  )[0];
  return call;
}

/** Programs that move the shell to another folder, where a plan file's name names another file. */
const MOVERS = new Set(['cd', 'pushd', 'popd']);
/** Variables bash gives a new value each time they are read. */
const VOLATILE = /^(RANDOM|SRANDOM|SECONDS|EPOCHREALTIME|EPOCHSECONDS|LINENO|BASHPID)$/;

/**
 * Whether the line applies the plan it has just saved under the same name, one that does not destroy (`terraform plan
 * -out "$P" && terraform apply "$P"`): what another step saved there is no longer what it applies. Only when the
 * apply runs once that plan was saved (a failed plan leaves the old file), with no `cd`, copy or other saved plan
 * between, and a name whose variables the line leaves alone.
 */
function savedJustBefore(commands: readonly LineCommand[], uses: readonly PlanFileUse[][], at: number, word: ShellWord, folder: string | undefined): boolean {
  const text = spelled(word.text);
  if (folder === undefined || (word.literal === undefined && !steadyName(text, commands[at]!))) return false;
  for (let j = at - 1; j >= 0; j--) {
    const program = behindWrappers(commands[j]!.words)[0]?.literal;
    if (program === undefined || MOVERS.has(programName(program))) return false;
    for (const use of uses[j]!) {
      if (use.kind === 'planned' && use.folder === folder && (word.literal === undefined ? use.file === undefined && spelled(use.text) === text : use.file === word.literal)) return commands[at]!.after.has(j);
      if (use.kind !== 'applied') return false;
    }
  }
  return false;
}

/** A name as the shell reads it, one way: `$P` of `"${P}"`. */
function spelled(text: string): string {
  return unquoted(text).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, '$$$1');
}

/** A name that reads only variables (`$P`, `${P}`) the line leaves alone, each of which bash reads the same each time. */
function steadyName(text: string, command: LineCommand): boolean {
  const names = [...text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g)].map((match) => match[1] ?? match[2]!);
  const rest = text.replace(/\$(?:\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)/g, '');
  return !/[$`\\*?[{~]/.test(rest) && names.every((name) => !VOLATILE.test(name) && !command.changes(name));
}

/** A plan file's path from the workspace root: from the line's folder, then terraform's `-chdir` (undefined: named at run time). */
function planPath(cwd: string, chdir: string | undefined, file: string, workspace: WorkspaceRoot | undefined): string {
  const inside = file.startsWith('/') || chdir === '' ? file : `${chdir ?? '$chdir'}/${file}`;
  const whole = inside.startsWith('/') ? inside : `${cwd}/${inside}`;
  return workspaceRelative(`${whole.startsWith('/') ? '/' : ''}${resolvedSegments(whole.split('/')).join('/')}`, workspace);
}
