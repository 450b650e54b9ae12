import type { Plan } from '../planning/schema.js';
import { hasTemplate } from '../planning/templates.js';
import { isRecord } from '../planning/values.js';
import { behindWrappers } from './behind-wrappers.js';
import { SHELLS } from './command-risk.js';
import { baseName, planFileUses, unquoted } from './destroy-plan-files.js';
import { lineFolders } from './line-folders.js';
import { resolvedSegments } from './path-segments.js';
import { destroyRisk, type StepRisk } from './risk-level.js';
import { simpleCommands } from './shell-risk.js';
import { programName } from './program-name.js';
import { shellCode } from './script-arguments.js';
import type { ShellParser, ShellWord } from './shell-syntax.js';
import type { VariableSetting } from './steering-variables.js';
import { withTerraformArguments } from './terraform-environment.js';
import { workspaceRelative, type WorkspaceRoot } from './workspace-relative.js';
import { isWrapper, unwrap } from './wrappers.js';

/** The variables that add words to `terraform plan` (and so may make it a destroy plan). */
const PLAN_VARIABLES = ['TF_CLI_ARGS', 'TF_CLI_ARGS_plan'];

/** A plan file by its path from the workspace root; one with a `$` in it is in a folder (or named) known only at run time. */
/** `handed`: applied by code the line hands to a shell (`bash -c 'terraform apply p'`), which may follow a save of its own line. */
type Applied = { readonly paths: readonly (string | undefined)[]; readonly text: string; readonly tool: string; readonly handed: boolean };
type Copy = { readonly from: readonly (string | undefined)[]; readonly to: readonly string[] | undefined };
/** One shell call of a step (its action or its rollback): `key` tells calls of one step apart. */
type Call = { readonly step: string; readonly key: string; readonly saved: (string | undefined)[]; readonly copies: Copy[]; readonly applied: Applied[] };

/**
 * A step that applies a plan file another step may have saved as a destroy plan (`terraform plan -destroy
 * -out=p` in one step, `terraform apply p` in a later one, or a copy or move of it between), by step id. Files
 * are matched by their path from each line's folders (the step's `cwd`, its `cd`s, terraform's `-chdir`); by name
 * alone where a folder is known only at run time. Every step counts, whatever the order: a plan may retry or loop.
 * A plan file named at run time may be any of them. Within one line, destroyPlanApplied follows the order.
 */
export async function destroyPlansAcrossSteps(plan: Plan, parse: ShellParser, workspace?: WorkspaceRoot): Promise<ReadonlyMap<string, StepRisk>> {
  const calls: Call[] = [];
  for (const step of plan.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    const shells = [{ tool: step.tool, args: step.args }, ...(step.rollback ? [step.rollback] : [])].filter((call) => call.tool === 'shell' && typeof call.args.command === 'string');
    for (const [index, { args }] of shells.entries()) calls.push(await callPlanFiles(step.id, `${step.id}\u0000${index}`, args, parse, workspace));
  }
  // Which calls a destroy plan at a path comes from (saved there, or copied there from one); '' for one named at run time.
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
  const found = new Map<string, StepRisk>();
  for (const call of calls) {
    if (found.has(call.step)) continue;
    for (const applied of call.applied) {
      const source = applied.paths.flatMap((path) => sourcesOf(destroyPlans, path)).find((key) => key !== call.key || applied.handed);
      if (source === undefined) continue;
      const saver = calls.find((other) => other.key === source)!.step;
      const why = applied.paths.includes(undefined) ? `: ${unquoted(applied.text)} may be the destroy plan saved by step ${saver}` : ` applies a destroy plan step ${saver} saves`;
      found.set(call.step, destroyRisk(`${applied.tool} apply ${applied.text}${why} (${applied.tool} plan -destroy)`));
      break;
    }
  }
  return found;
}

/** The calls a destroy plan at this path may come from: any, for a path named at run time. */
function sourcesOf(destroyPlans: ReadonlyMap<string, ReadonlySet<string>>, path: string | undefined): string[] {
  return [...destroyPlans].filter(([saved]) => path === undefined || saved === '' || samePlanFile(saved, path)).flatMap(([, keys]) => [...keys]);
}

function samePlanFile(a: string, b: string): boolean {
  return a === b || ((a.includes('$') || b.includes('$')) && baseName(a) === baseName(b));
}

async function callPlanFiles(step: string, key: string, args: Readonly<Record<string, unknown>>, parse: ShellParser, workspace: WorkspaceRoot | undefined): Promise<Call> {
  const call: Call = { step, key, saved: [], copies: [], applied: [] };
  const command = args.command as string;
  // A `cwd` from a template is a folder known only at run time.
  const cwd = args.cwd === undefined ? '.' : typeof args.cwd === 'string' && !hasTemplate(args.cwd) ? args.cwd : '$cwd';
  const env = Object.entries(isRecord(args.env) ? args.env : {}).map(([name, value]): VariableSetting => ({ name, value: typeof value === 'string' && !hasTemplate(value) ? value : undefined }));
  // The folders of the line's `cd`s, in code it hands to a shell too.
  const folders = await lineFolders(command, cwd, parse);
  const at = (folder: string | undefined, file: string) => folders.map((cwd) => planPath(cwd, folder, file, workspace));
  await readLine(command, { call, env, at, parse }, 0);
  return call;
}

/** How deep code a line hands to a shell (`bash -c "sh -c '…'"`) is read. */
const MAX_CODE_DEPTH = 8;

type Reading = { readonly call: Call; readonly env: readonly VariableSetting[]; readonly at: (folder: string | undefined, file: string) => string[]; readonly parse: ShellParser };

/** Records what a line of a step does with plan files, and the lines it hands to a shell (`bash -c 'terraform apply p'`). */
async function readLine(code: string, { call, env, at, parse }: Reading, depth: number): Promise<void> {
  let line;
  try {
    line = await simpleCommands(code, parse);
  } catch {
    return;
  }
  const commands = line.commands.map((words, i) => {
    const variables = line.variables[i]!;
    const lineSet = PLAN_VARIABLES.flatMap((name): VariableSetting[] => (line.mayChange(name) ? [{ name, value: undefined }] : variables.valueAt(name) === undefined ? [] : [{ name, value: variables.valueAt(name) }]));
    return withTerraformArguments(words, [...env, ...[...variables.prefix].map(([name, value]) => ({ name, value })), ...lineSet]);
  });
  for (const use of planFileUses(commands, line.streams).flat()) {
    if (use.kind === 'saved') call.saved.push(...(use.file === undefined ? [undefined] : at(use.folder, use.file)));
    // `cp p backups` may put it in backups/p; `cp -t backups p` and `cp p backups/` do (`cp -t backups "$F"`: a name known only at run time).
    if (use.kind === 'copied') call.copies.push({ from: use.from.flatMap((file) => (file === undefined ? [undefined] : at('', file))), to: use.to === undefined || (use.into && use.from.includes(undefined)) ? undefined : [...(use.into ? [] : at('', use.to)), ...use.from.flatMap((file) => (file === undefined ? [] : at('', `${use.to}/${baseName(file)}`)))] });
    if (use.kind === 'applied') for (const word of use.files) call.applied.push({ paths: word.literal === undefined ? [undefined] : at(use.folder, word.literal), text: word.literal ?? word.text, tool: use.tool, handed: depth > 0 });
  }
  if (depth >= MAX_CODE_DEPTH) return;
  for (const words of line.commands) {
    const handed = handedCode(words);
    if (handed !== undefined) await readLine(handed, { call, env, at, parse }, depth + 1);
  }
}

/** The code a command hands to a shell when it is written out: `bash -c '…'`, `sudo sh -c "…"`, `su -c '…'`, `eval '…'`. */
function handedCode(words: readonly ShellWord[]): string | undefined {
  const inner = behindWrappers(words);
  const program = inner[0]?.literal;
  if (program === undefined) return undefined;
  const name = programName(program);
  const args = inner.slice(1);
  if (SHELLS.has(name)) return shellCode(args);
  if (name === 'eval') return args.every((word) => word.literal !== undefined) ? args.map((word) => word.literal).join(' ') : undefined;
  const unwrapped = isWrapper(name) ? unwrap(name, args) : undefined;
  return unwrapped?.kind === 'script' ? unwrapped.code.literal : undefined;
}

/** A plan file's path from the workspace root: from the line's folder, then terraform's `-chdir` (undefined: named at run time). */
function planPath(cwd: string, chdir: string | undefined, file: string, workspace: WorkspaceRoot | undefined): string {
  const inside = file.startsWith('/') || chdir === '' ? file : `${chdir ?? '$chdir'}/${file}`;
  const whole = inside.startsWith('/') ? inside : `${cwd}/${inside}`;
  return workspaceRelative(`${whole.startsWith('/') ? '/' : ''}${resolvedSegments(whole.split('/')).join('/')}`, workspace);
}
