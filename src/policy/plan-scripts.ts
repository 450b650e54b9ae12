import type { Plan } from '../planning/schema.js';
import { hasTemplate } from '../planning/templates.js';
import { buildCode } from './build-code.js';
import { buildInputs } from './build-inputs.js';
import { INTERPRETERS, SHELLS } from './command-risk.js';
import { readsStdinCode, scriptArgument, shellCode } from './script-arguments.js';
import { downloadedFiles } from './downloads.js';
import { behindWrappers } from './behind-wrappers.js';
import { commandsGitRuns } from './git-run-commands.js';
import { lineFolders } from './line-folders.js';
import { WORKSPACE_SETTING } from './npm-workspaces.js';
import { projectConfigFile, setsWorkspaces } from './npm-config-files.js';
import { setForMake } from './make-command-line.js';
import { includedMakefiles, MAKEFILE, makeLineReading, writtenByMake } from './makefile-includes.js';
import { pathSpelling } from './path-spelling.js';
import { savingStepBefore } from './saving-steps.js';
import { inFolder, workspacePath, writtenPath, type WorkspaceRoot } from './workspace-relative.js';
import { namesUnzipOptions } from './unzip-command.js';
import { versionRun } from './npm-version.js';
import { unpackedByLine, unpackedHolding, type UnpackedFolder } from './plan-unpacked.js';
import { programName } from './program-name.js';
import { destroyRisk, maxRisk, riskRank, type StepRisk } from './risk-level.js';
import { shellCommands } from './shell-commands.js';
import type { Stdin } from './command-context.js';
import { classifyShell, simpleCommands, type SimpleCommands } from './shell-risk.js';
import { literalWord, type ShellParser, type ShellWord } from './shell-syntax.js';
import { isWrapper, unwrap } from './wrappers.js';

/**
 * A file one step of a plan writes and another runs (`write_file deploy.sh`, then `sh deploy.sh`):
 * code the model wrote that the user did not see on the line that runs it.
 */
export interface PlanScript {
  /** As the running step names it. */
  readonly file: string;
  /** The step that writes it. */
  readonly writer: string;
  /** Its text when the plan gives it literally (no `{{ … }}`, not appended to). */
  readonly content?: string;
  /** Saved by `curl -o`, `wget`…: what a server sent. */
  readonly downloaded?: true;
  /** Not written by the plan, but in a folder another step unpacks a downloaded archive into (`writer`): it may come from it. */
  readonly unpacked?: true;
  /** Run by a shell (`sh f`, `source f`, `./f` with a shell's `#!` or none), so its text is rated as shell lines. */
  readonly shell: boolean;
  /** The plan's script that runs this one (wrapper.sh says `sh sub/deploy.sh`), when the step does not run it itself. */
  readonly via?: string;
}

/** What a step writes, by the file's path from the workspace root: its text when `write_file` gives it whole. */
/** `downloaders`: every step that downloads it, in plan order. */
type Written = { readonly writer: string; readonly content?: string; readonly downloaded?: true; readonly downloaders?: readonly string[] };

/** How deep scripts that run other scripts of the plan are followed. */
const MAX_SCRIPT_DEPTH = 8;

/**
 * The scripts each step runs (by step id) that another step of the plan writes. `workspace`: its absolute path,
 * so a file named by its absolute path in it is the workspace's file (`sh /srv/app/deploy.sh`); `realPath`
 * resolves symbolic links, so it is also when the workspace or the path goes through a link to the other.
 */
export async function planScripts(plan: Plan, parse: ShellParser | undefined, workspaceDir?: string, realPath?: (absolute: string) => string): Promise<ReadonlyMap<string, readonly PlanScript[]>> {
  const workspace: WorkspaceRoot | undefined = workspaceDir === undefined ? undefined : { path: workspaceDir, ...(realPath ? { realPath } : {}) };
  const found = new Map<string, PlanScript[]>();
  if (parse === undefined) return found;
  const written = new Map<string, Written>();
  const unpacked: UnpackedFolder[] = [];
  for (const step of plan.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    if (step.tool === 'write_file' && typeof step.args.path === 'string') {
      const where = workspacePath('.', step.args.path, workspace);
      const content = step.args.content;
      // Appended to, or written twice: the text that runs is not one the plan shows whole.
      const known = typeof content === 'string' && !hasTemplate(content) && step.args.append !== true && !written.has(where) ? content : undefined;
      written.set(where, { writer: step.id, ...(known === undefined ? {} : { content: known }) });
    }
    // A shell step that writes the file (`printf … > deploy.sh`, `tee`, `cp`, `curl -o`): what it holds then is not on the card.
    for (const args of shellCalls(step)) {
      const folders = await lineFolders(args.command, cwdOf(args), parse);
      for (const { file, downloaded, from } of await shellWrites(args.command, parse)) {
        // `cp a.sh d.sh`: the copy holds what a.sh holds, written (or downloaded) by whichever step made a.sh.
        for (const folder of folders) {
          const path = writtenPath(folder, file, workspace);
          const downloaders = [...(written.get(path)?.downloaders ?? []), step.id];
          written.set(path, (from !== undefined ? written.get(workspacePath(folder, from, workspace)) : undefined) ?? { writer: step.id, ...(downloaded ? { downloaded, downloaders } : {}) });
        }
      }
      const downloads = [...written].filter(([, source]) => source.downloaded).map(([path]) => path);
      for (const folder of unpackedByLine(await commandWords(args.command, parse), folders, downloads, (cwd, file) => workspacePath(cwd, file, workspace), namesUnzipOptions(args))) unpacked.push({ folder, step: step.id });
    }
  }
  if (written.size === 0 && unpacked.length === 0) return found;
  for (const step of plan.steps) {
    if (step.type === 'llm_query' || step.type === 'condition') continue;
    const scripts: PlanScript[] = [];
    for (const args of shellCalls(step)) {
      const folders = await lineFolders(args.command, cwdOf(args), parse);
      const env = typeof args.env === 'object' && args.env !== null ? Object.keys(args.env) : [];
      scripts.push(...(await scriptsRun(args.command, folders, written, parse, { plan, step: step.id, seen: new Set(), depth: 0, unpacked, workspace, env })));
    }
    if (scripts.length > 0) found.set(step.id, scripts);
  }
  return found;
}

/** `env`: the variables the step's `env` sets. */
type Following = { readonly plan: Plan; readonly step: string; readonly seen: Set<string>; readonly depth: number; readonly via?: string; readonly unpacked: readonly UnpackedFolder[]; readonly workspace: WorkspaceRoot | undefined; readonly env: readonly string[] };

/**
 * The plan's scripts a shell line runs, from any of its folders, and the plan's scripts those run in turn
 * (each once: scripts that run each other are not followed without end).
 */
async function scriptsRun(command: string, folders: readonly string[], written: ReadonlyMap<string, Written>, parse: ShellParser, following: Following): Promise<PlanScript[]> {
  const scripts: PlanScript[] = [];
  for (const found of await filesRun(command, parse)) {
    // The step's `env` sets `npm_config_workspaces`: in the workspaces, and not the named script alone.
    const given = following.env.some((name) => WORKSPACE_SETTING.test(name)) ? inWorkspaces(found) : found;
    for (const folder of folders) {
      const path = workspacePath(folder, given.file, following.workspace);
      // So does a project .npmrc the plan writes beside the package.json (`workspaces=true`).
      const npmrc = projectConfigFile(path, written);
      const run = npmrc !== undefined && npmrc.writer !== following.step && setsWorkspaces(npmrc.content) ? inWorkspaces(given) : given;
      const source = written.get(path) ?? [...written].find(([entry]) => inFolder(path, entry))?.[1];
      // `tar xzf t.tgz` in step a, `sh install.sh` here: a file the plan does not write may be one the archive held.
      const archive = source === undefined ? unpackedHolding(path, following.unpacked) : undefined;
      if (archive !== undefined && archive.step !== following.step && !following.seen.has(path)) {
        following.seen.add(path);
        scripts.push({ file: run.file, writer: archive.step, unpacked: true, shell: run.by !== 'interpreter', ...(following.via ? { via: following.via } : {}) });
      }
      if (source !== undefined) scripts.push(...(await scriptRun(run, written.has(path) ? run.file : projectFile(run), path, source, { folder, folders }, written, parse, following)));
      // `npm run build --ws`: each package.json the plan writes below the root's may be a workspace's, and runs every script.
      const root = path.replace(/(?:^|\/)package\.json$/, '');
      const workspaces = run.workspaces ? [...written].filter(([entry]) => entry !== path && entry.endsWith('/package.json') && (root === '' ? !entry.startsWith('/') : entry.startsWith(`${root}/`))) : [];
      for (const [entry, member] of workspaces) scripts.push(...(await scriptRun({ file: entry, by: 'build', tool: run.tool ?? 'npm', line: run.line ?? '' }, entry, entry, member, { folder, folders }, written, parse, following)));
    }
    // `cd "$D" && sh deploy.sh`: in a folder known only at run time, the file may be any the plan writes by that name.
    if (!folders.some((folder) => folder.includes('$')) || given.file.startsWith('/') || given.file.includes('$')) continue;
    const name = workspacePath('.', given.file);
    for (const [path, source] of written) {
      if (path.endsWith(`/${name}`)) scripts.push(...(await scriptRun(given, `${path} (the line's folder is computed)`, path, source, { folder: '.', folders }, written, parse, following)));
    }
  }
  return scripts;
}

/** The plan's script `path` a line runs (`file` as the reason names it), and those it runs in turn. */
async function scriptRun(run: FileRun, file: string, path: string, source: Written, { folder, folders }: { folder: string; folders: readonly string[] }, written: ReadonlyMap<string, Written>, parse: ShellParser, following: Following): Promise<PlanScript[]> {
  // `npm run build && npm run clean`: each script of a package.json is followed once, with those it runs by name
  // (so scripts that run each other are read once, not once from each).
  const keys = run.scripts === undefined ? [path] : run.scripts.map((name) => `${path} ${name}`);
  if (source.writer === following.step || following.seen.has(path) || keys.every((key) => following.seen.has(key))) return [];
  for (const key of keys) following.seen.add(key);
  const reached = new Set<string>();
  // `make`, `npm test`: a Makefile's recipes or a package.json's scripts are shell lines.
  const code = run.by === 'build' && source.content !== undefined ? buildCode(path, source.content, { scripts: run.scripts, reached, ...(run.makefile ? { makefile: true } : {}), setOutside: setForMake(run.line ?? '', following.env, [...written.keys()].filter((file) => MAKEFILE.test(file)).length) }) : undefined;
  for (const name of reached) following.seen.add(`${path} ${name}`);
  const shell = run.by === 'shell' || (run.by === 'path' && source.content !== undefined && runsAsShell(source.content)) || code !== undefined;
  const content = code ?? source.content;
  const { downloaded } = source;
  // Downloaded by several steps: the one this step gets it from, not one that saves it again after.
  const writer = (source.downloaders && savingStepBefore(following.plan, source.downloaders, following.step)) ?? source.writer;
  const scripts: PlanScript[] = [{ file, writer, ...(content === undefined ? {} : { content }), ...(downloaded ? { downloaded } : {}), shell, ...(following.via ? { via: following.via } : {}) }];
  // `include extra.mk`: make reads a makefile the plan writes as its own text, from the Makefile's folder or the line's.
  if (run.by === 'build' && source.content !== undefined && (run.makefile || MAKEFILE.test(path)) && following.depth < MAX_SCRIPT_DEPTH) {
    const resolve = (cwd: string, name: string) => workspacePath(cwd, name, following.workspace);
    const makeFolder = path.replace(/(?:^|\/)[^/]*$/, '') || '.';
    // `$(file >gen.mk,…)` then `include gen.mk`: the text make writes is read as makefile text the plan wrote.
    const generated = [...writtenByMake(source.content, makeFolder, resolve)].map(([file, content]): [string, Written] => [file, { writer: source.writer, content }]);
    const reads = generated.length === 0 ? written : new Map([...written, ...generated]);
    const included = includedMakefiles(source.content, [makeFolder, folder], [...reads.keys()], resolve, makeLineReading(run.line ?? '', following.env));
    for (const file of included) scripts.push(...(await scriptRun({ file, by: 'build', tool: 'make', line: run.line ?? '', makefile: true }, file, file, reads.get(file)!, { folder, folders }, reads, parse, { ...following, depth: following.depth + 1, via: run.file })));
  }
  // A script run by a shell from the plan's text may run others (`sh sub/deploy.sh`), from the folders of the line that runs it.
  if (shell && content !== undefined && following.depth < MAX_SCRIPT_DEPTH) {
    scripts.push(...(await scriptsRun(content, [...folders, ...(await lineFolders(content, folder, parse))], written, parse, { ...following, depth: following.depth + 1, via: run.file })));
  }
  return scripts;
}

type ShellCall = Readonly<Record<string, unknown>> & { readonly command: string };

/** A step's shell calls with their command as text: its own and its rollback's. */
function shellCalls(step: Plan['steps'][number]): ShellCall[] {
  if (step.type === 'llm_query' || step.type === 'condition') return [];
  const calls = [{ tool: step.tool, args: step.args }, ...(step.rollback ? [step.rollback] : [])];
  return calls.filter((call) => call.tool === 'shell' && typeof call.args.command === 'string').map((call) => call.args as ShellCall);
}

function cwdOf(args: ShellCall): string {
  return typeof args.cwd === 'string' && !hasTemplate(args.cwd) ? args.cwd : '.';
}

/** Programs whose last operand is the file they write. */
const COPIERS = new Set(['cp', 'mv', 'install', 'ln', 'rsync']);
/** `> f`, `>> f`, `>| f`, `&> f`, `1> f`: the file a redirection writes, as written (quotes dropped). */
const OUTPUT_REDIRECT = /(?:^|[^<>])(?:[0-9]|&)?>>?\|?\s*(["']?)([^\s"';|&<>()]+)\1/g;

/**
 * `by`: the program that downloads or fetches it (`curl`, `scp`, `git`); a `file` ending in `/` is a folder it brings;
 * `from`: the file a copy is made of (`cp a.sh d.sh`, `mv`, `install -m 755 a.sh bin/d`).
 */
type LineWrite = { readonly file: string; readonly downloaded?: true; readonly copied?: true; readonly by?: string; readonly from?: string };

/** The files a shell line is seen to write: by redirection, `tee`, as a copy's target, or what `curl -o`/`wget` save. */
async function shellWrites(command: string, parse: ShellParser): Promise<LineWrite[]> {
  const files: LineWrite[] = [...command.matchAll(OUTPUT_REDIRECT)].map((match) => match[2]!).filter((file) => !file.startsWith('/dev/') && !file.startsWith('&')).map((file) => ({ file }));
  for (const { name, args } of await shellCommands(command, parse, { stdinCode: true })) {
    const operands = args.map((word) => word.literal).filter((text): text is string => text !== undefined && !text.startsWith('-'));
    if (name === 'tee') files.push(...operands.map((file) => ({ file })));
    if (COPIERS.has(name) && operands.length >= 2) files.push({ file: operands.at(-1)!, copied: true, from: operands.at(-2)! });
    for (const file of downloadedFiles([literalWord(name), ...args], { kind: 'none' }, [])) files.push({ file, downloaded: true, by: name });
  }
  return files;
}

/**
 * A shell line that writes a file and runs it itself (`echo "rm -rf data" > d.sh && sh d.sh`, `cat > d.sh <<'EOF' … EOF`
 * then `. ./d.sh`): the code it runs is not on the line as code, so nobody reviewed it. A copy (`cp a.sh d.sh && sh d.sh`)
 * runs what `sh a.sh` would and is rated as that: as this when the line made a.sh, else by the plan's scripts.
 */
export async function lineScriptRisk(command: string, parse: ShellParser): Promise<StepRisk | undefined> {
  const folders = await lineFolders(command, '.', parse);
  const made = new Map<string, string | undefined>();
  for (const { file, copied, by, from } of await shellWrites(command, parse)) {
    for (const folder of folders) {
      // A copy of a file the line made runs what that file holds (`… > x.sh && cp x.sh d.sh && sh d.sh`).
      const source = from === undefined ? undefined : workspacePath(folder, from);
      if (!copied) made.set(writtenPath(folder, file), by);
      else if (source !== undefined && made.has(source)) made.set(writtenPath(folder, file), made.get(source));
    }
  }
  // `curl -o a.tgz … && tar xzf a.tgz && make -C a`: what the archive holds came with the download.
  const fetched = [...made].filter(([, by]) => by !== undefined);
  const unpacked = new Set<string>();
  const from = fetched.length === 0 ? 'what the line downloads' : `what ${[...new Set(fetched.map(([, by]) => by))].join(', ')} downloads`;
  for (const folder of unpackedByLine(await commandWords(command, parse), folders, fetched.map(([path]) => path), workspacePath, namesUnzipOptions({ command }))) {
    const entry = `${folder}/`;
    if (made.has(entry)) continue;
    unpacked.add(entry);
    made.set(entry, from);
  }
  for (const run of await filesRun(command, parse)) {
    for (const folder of folders) {
      const path = workspacePath(folder, run.file);
      const entry = made.has(path) ? path : [...made.keys()].find((written) => inFolder(path, written));
      if (entry === undefined) continue;
      const by = made.get(entry);
      // `git clone URL r && cd r && ./install.sh`, `… && make`: what a download or a clone brings is code nobody reviewed.
      const file = entry === path ? run.file : projectFile(run);
      const origin = by === undefined ? `writes ${file}` : unpacked.has(entry) ? `unpacks ${file} from ${by}` : `fetches ${file} with ${by}`;
      return destroyRisk(`the line ${origin} and ${run.tool === undefined ? 'runs it' : `${run.tool} runs it`}: code nobody reviewed`);
    }
  }
  return undefined;
}

/**
 * The risk of running the scripts: a shell script by its lines, naming the line that decides;
 * anything else (unknown text, another language) is `destroy`, since nobody reviewed it.
 */
export async function scriptsRisk(scripts: readonly PlanScript[], parse: ShellParser): Promise<StepRisk | undefined> {
  let risk: StepRisk | undefined;
  for (const script of scripts) {
    const found = await scriptRisk(script, parse);
    risk = risk === undefined ? found : maxRisk(risk, found);
  }
  return risk;
}

async function scriptRisk(script: PlanScript, parse: ShellParser): Promise<StepRisk> {
  const file = script.via === undefined ? script.file : `${script.file} (from ${script.via})`;
  if (script.unpacked) return destroyRisk(`runs ${file}, which may be a file the archive step ${script.writer} unpacked: code nobody reviewed`);
  if (script.downloaded) return destroyRisk(`runs ${file}, which step ${script.writer} downloads: code nobody reviewed`);
  const runs = `runs ${file}, which step ${script.writer} writes`;
  if (script.content === undefined) return destroyRisk(`${runs} with text the plan does not show: code nobody reviewed`);
  if (!script.shell) return destroyRisk(`${runs}: code ksa cannot rate, which nobody reviewed`);
  const lines = await classifyShell(script.content, parse);
  const itself = await lineScriptRisk(script.content, parse);
  const whole = itself === undefined ? lines : maxRisk(lines, itself);
  return { level: whole.level, reason: `${runs}: ${(await decidingLine(script.content, whole, parse)) ?? whole.reason}` };
}

/** The first line that alone is as risky as the whole script (`rm -rf /tmp/x`), for the reason. */
async function decidingLine(content: string, whole: StepRisk, parse: ShellParser): Promise<string | undefined> {
  for (const line of content.split('\n').map((text) => text.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const risk = await classifyShell(line, parse).catch(() => undefined);
    if (risk !== undefined && riskRank(risk.level) >= riskRank(whole.level)) return line;
  }
  return undefined;
}

/** A file run by path (`./deploy.sh`): by the interpreter its `#!` names; with none, the shell runs it. */
function runsAsShell(content: string): boolean {
  const first = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(content);
  if (first === null) return true;
  const program = programName(first[1]!) === 'env' ? first[2] : first[1];
  return program !== undefined && SHELLS.has(programName(program));
}

/**
 * The file a build runs, as a reason names it. pip builds a project from whichever of setup.py and pyproject.toml
 * (its build backend) it has: one a clone or an archive brings is named by its folder, not by a file it may lack.
 */
function projectFile(run: FileRun): string {
  const project = /^(.*?)\/?(setup\.py|pyproject\.toml|setup\.cfg)$/.exec(run.file);
  const folder = project?.[1] || '.';
  return run.tool !== undefined && /^pip/.test(run.tool) && project !== null ? `${folder}/setup.py or ${folder}/pyproject.toml` : run.file;
}

/** A package.json's run in the workspaces too: each workspace's package.json runs, and any script of the root's may. */
function inWorkspaces(run: FileRun): FileRun {
  return run.by === 'build' && /(?:^|\/)package\.json$/.test(run.file) ? { file: run.file, by: run.by, line: run.line ?? '', workspaces: true, ...(run.tool ? { tool: run.tool } : {}) } : run;
}

/** `build`: read by a build tool or an installer (`make`, `npm install`, `dpkg -i`), `tool`, on `line`; `scripts`: those of a package.json it runs by name; `workspaces`: in each workspace too; `makefile`: read by make whatever its name (`include config.env`). */
type FileRun = { readonly file: string; readonly by: 'shell' | 'interpreter' | 'path' | 'build'; readonly tool?: string; readonly scripts?: readonly string[]; readonly line?: string; readonly workspaces?: true; readonly makefile?: true };

/** The files a shell line runs as programs (`sh f`, `. f`, `python f`, `./f`); `stdin`: what the line's shell reads. */
async function filesRun(command: string, parse: ShellParser, depth = 0, stdin?: Stdin): Promise<FileRun[]> {
  const runs: FileRun[] = [];
  for (const { name, args, moreArgs } of await shellCommands(command, parse, { stdinCode: true })) {
    const file = scriptArgument(name, args);
    if (file !== undefined) runs.push({ file, by: INTERPRETERS.has(name) ? 'interpreter' : 'shell' });
    // `npm version patch` runs the version scripts.
    for (const build of [buildInputs([literalWord(name), ...args]), versionRun(name, args, moreArgs)]) {
      for (const input of build?.files ?? []) {
        const run: FileRun = { file: input, by: 'build', tool: build!.tool, line: command, ...(build!.scripts ? { scripts: build!.scripts } : {}) };
        // `npm_config_workspaces=true npm run build`: in the workspaces, and not the named script alone.
        runs.push(build!.workspaces || WORKSPACE_SETTING.test(command) ? inWorkspaces(run) : run);
      }
    }
  }
  // A program named by a path is the file itself (`./deploy.sh`, `sudo ./deploy.sh`); shellCommands gives its name only.
  // `bash <<'E'` with `./deploy.sh` in it, `echo ./deploy.sh | sh`: so is one the code a shell reads from stdin names.
  const lines = await commandLines(command, parse, stdin);
  for (const [i, words] of lines.commands.entries()) {
    runs.push(...(await pathRuns(words, parse, depth, lines.inputs[i])));
    const code = depth < MAX_SCRIPT_DEPTH ? stdinCode(words, lines.inputs[i]) : undefined;
    if (code !== undefined) runs.push(...(await filesRun(code, parse, depth + 1)).filter((run) => run.by === 'path'));
  }
  return runs;
}

/** The files a command runs by path: itself (`./t.sh`), in the code a shell is given, or in the command git runs. */
async function pathRuns(words: readonly ShellWord[], parse: ShellParser, depth: number, stdin?: Stdin): Promise<FileRun[]> {
  const [program, ...args] = behindWrappers(words);
  // `"$PWD/i.sh"`, `"$D/install.sh"`: a path by the folder it is in.
  const spelled = program === undefined ? undefined : pathSpelling(program);
  if (spelled !== undefined && program?.literal === undefined && program!.text.includes('/')) return [{ file: spelled, by: 'path' }];
  if (program?.literal === undefined || depth >= MAX_SCRIPT_DEPTH) return [];
  const name = programName(program.literal);
  // Still a wrapper: one that runs a string (`su -c ./d.sh`), or no command of its own words (`sudo -s`), or too many in a row.
  const wrapped = isWrapper(name) ? unwrap(name, args) : undefined;
  if (wrapped !== undefined && wrapped.kind !== 'script') return [];
  if (program.literal.includes('/') && wrapped === undefined) return [{ file: pathSpelling(program) ?? program.literal, by: 'path' }];
  // `sh -c ./sub/deploy.sh`, `eval ./deploy.sh`: the code a shell is given runs programs by path too.
  const evaluated = name === 'eval' && args.every((word) => word.literal !== undefined) ? args.map((word) => word.literal).join(' ') : undefined;
  const code = wrapped?.kind === 'script' ? wrapped.code.literal : SHELLS.has(name) ? shellCode(args, name) : evaluated;
  if (code !== undefined) return (await filesRun(code, parse, depth + 1, stdin)).filter((run) => run.by === 'path');
  // `git bisect run ./t.sh`, `git rebase -x ./t.sh`.
  if (name !== 'git') return [];
  const runs: FileRun[] = [];
  for (const inner of commandsGitRuns(args)) runs.push(...(await pathRuns(inner, parse, depth + 1)));
  return runs;
}

/** Each simple command's words as written, the program by its path (shellCommands keeps only its name). */
async function commandWords(command: string, parse: ShellParser): Promise<readonly (readonly ShellWord[])[]> {
  return (await commandLines(command, parse)).commands;
}

async function commandLines(command: string, parse: ShellParser, stdin?: Stdin): Promise<Pick<SimpleCommands, 'commands' | 'inputs'>> {
  try {
    return await simpleCommands(command, parse, stdin);
  } catch {
    return { commands: [], inputs: [] };
  }
}

/** The code a shell (behind any wrappers) reads from its standard input, when the line shows its text. */
function stdinCode(words: readonly ShellWord[], stdin: Stdin | undefined): string | undefined {
  const [program, ...args] = behindWrappers(words);
  if (program?.literal === undefined || (stdin?.kind !== 'text' && stdin?.kind !== 'pipe')) return undefined;
  return readsStdinCode(programName(program.literal), args) ? stdin.literal : undefined;
}
