import { behindWrappers } from './behind-wrappers.js';
import { makeLongOption } from './make-command-line.js';
import { isWorkspaceOption } from './npm-workspaces.js';
import { packageReadings, type PackageReading } from './package-command-line.js';
import { namedScripts, runsScriptOfName } from './package-scripts.js';
import { pathSpelling } from './path-spelling.js';
import { programName } from './program-name.js';
import type { ShellWord } from './shell-syntax.js';

/** The files whose code a build tool or a package installer runs, as the command names them (from its folder). */
export interface BuildRun {
  /** The program: `make`, `npm`, `dpkg`… */
  readonly tool: string;
  readonly files: readonly string[];
  /** The scripts of the package.json that npm runs by name (`npm run build`, `npm test`), when known. */
  readonly scripts?: readonly string[];
  /** Run in the project's workspaces too (`npm run build --ws`): each workspace's package.json runs its scripts. */
  readonly workspaces?: true;
}

/** npm's (pnpm's, yarn's, bun's) commands that run the scripts of the project's package.json. */
const SCRIPT_COMMANDS = new Set(['install', 'i', 'in', 'isntall', 'add', 'ci', 'clean-install', 'install-test', 'it', 'install-ci-test', 'cit', 'run', 'run-script', 'rum', 'urn', 'test', 't', 'tst', 'start', 'stop', 'restart', 'rebuild', 'rb', 'pack', 'publish']);
const NODE_TOOLS = new Set(['npm', 'pnpm', 'yarn', 'bun']);
const MAKES = new Set(['make', 'gmake', 'bmake']);
const PIP = /^pip(?:3(?:\.\d+)?)?$/;
const PYTHON = /^python(?:3(?:\.\d+)?)?$/;
/** pip install's options that take the next word. */
const PIP_VALUES = new Set(['-r', '--requirement', '-c', '--constraint', '-t', '--target', '--prefix', '--root', '-i', '--index-url', '--extra-index-url', '-f', '--find-links', '--src', '--platform', '--python-version', '--implementation', '--abi', '--upgrade-strategy', '--progress-bar', '--log', '--proxy', '--retries', '--timeout', '--cache-dir', '--cert', '--client-cert', '--trusted-host', '--config-settings', '-C']);
/** Package managers whose `install` of a file (`apt install ./p.deb`, `dnf install ./p.rpm`) runs its scripts. */
const SYSTEM_INSTALLERS = new Set(['apt', 'apt-get', 'aptitude', 'yum', 'dnf', 'microdnf', 'zypper']);
const SYSTEM_INSTALLS = new Set(['install', 'reinstall', 'localinstall', 'upgrade', 'update', 'in']);

/**
 * `make -C r`, `npm install`, `pip install .`, `dpkg -i p.deb`, `apt install ./p.deb`, `rpm -i p.rpm` (behind
 * sudo, env, timeout…): the Makefile, package.json, setup.py or package they read runs as code, so a clone, a
 * download or a file the plan writes reaches the machine through them as through `sh install.sh`.
 */
export function buildInputs(written: readonly ShellWord[]): BuildRun | undefined {
  let words = behindWrappers(written);
  const program = words[0]?.literal;
  if (program === undefined) return undefined;
  let tool = programName(program);
  // `python3 -m pip install .` is pip's install.
  if (PYTHON.test(tool) && words[1]?.literal === '-m' && words[2]?.literal !== undefined && PIP.test(words[2].literal)) {
    words = words.slice(2);
    tool = 'pip';
  }
  const args = words.slice(1).map(pathSpelling);
  const readings = NODE_TOOLS.has(tool) ? packageReadings(args) : [];
  const files = MAKES.has(tool)
    ? makefiles(args)
    : NODE_TOOLS.has(tool)
      ? packageFiles(tool, readings)
      : PIP.test(tool)
        ? pipFiles(args)
        : tool === 'dpkg'
          ? dpkgFiles(args)
          : tool === 'rpm'
            ? rpmFiles(args)
            : SYSTEM_INSTALLERS.has(tool)
              ? systemFiles(args)
              : [];
  const workspaces =
    NODE_TOOLS.has(tool) && (words.slice(1).some((word) => word.literal === undefined || isWorkspaceOption(word.literal)) || readings.some(({ operands }) => workspaceCommand(tool, operands) !== undefined));
  const scripts = NODE_TOOLS.has(tool) && !workspaces ? scriptsByName(tool, words.slice(1).map((word) => word.literal), readings) : undefined;
  return files.length === 0 ? undefined : { tool, files, ...(scripts === undefined ? {} : { scripts }), ...(workspaces ? { workspaces } : {}) };
}

/**
 * The scripts of the package.json a command runs by name, in each reading of its words that runs one; undefined when
 * one of them may run any. Read with every option as a flag, as namedScripts reads the words; in the other readings by
 * the words left (`npm --cache /tmp/c run clean`: clean).
 */
function scriptsByName(tool: string, args: readonly (string | undefined)[], readings: readonly PackageReading[]): readonly string[] | undefined {
  const names = new Set<string>();
  for (const [i, { operands }] of readings.entries()) {
    if (readingFiles(tool, '', operands).length === 0) continue;
    const words = i === 0 ? args : operands;
    const found = namedScripts(words) ?? scriptOfName(tool, words[0]);
    if (found === undefined) return undefined;
    for (const name of found) names.add(name);
  }
  return [...names];
}

/** `pnpm build`, `yarn lint`: the script a command runs by its name alone, when it is the first word. */
function scriptOfName(tool: string, command: string | undefined): readonly string[] | undefined {
  return command !== undefined && runsScriptOfName(tool, command) ? [command] : undefined;
}

/** `make`, `make -C r`, `make -f build.mk`: the makefile it reads (each name make looks for when none is given). */
function makefiles(args: readonly (string | undefined)[]): string[] {
  let folder = '';
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined || !arg.startsWith('-')) continue;
    // make takes any prefix of a long option that names one alone (`--dir`, `--makef`).
    const option = makeLongOption(arg);
    const value = (short: string, long: readonly string[]): string | undefined => {
      if (option !== undefined && long.includes(option)) return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (args[++i] ?? '');
      if (arg === short) return args[++i] ?? '';
      return !arg.startsWith('--') && arg.startsWith(short) ? arg.slice(short.length) : undefined;
    };
    const into = value('-C', ['--directory']);
    if (into !== undefined) {
      folder = into.startsWith('/') ? `${into}/` : `${folder}${into}/`;
      continue;
    }
    const file = value('-f', ['--file', '--makefile']);
    if (file !== undefined) named.push(file);
  }
  const files = named.length > 0 ? named : ['Makefile', 'makefile', 'GNUmakefile'];
  return files.map((file) => (file.startsWith('/') ? file : `${folder}${file}`));
}

/**
 * `npm install`, `npm ci`, `npm run build`, `yarn`, `pnpm build`, `npm install ./r`: the package.json whose scripts run,
 * in each way of reading the words (`npm --cache /tmp/c run clean`: `/tmp/c` is the cache, not the command).
 */
function packageFiles(tool: string, readings: readonly PackageReading[]): string[] {
  const files = new Set<string>();
  for (const { folder, operands } of readings) {
    for (const file of readingFiles(tool, folder, operands)) files.add(file);
  }
  return [...files];
}

function readingFiles(tool: string, folder: string, operands: readonly (string | undefined)[]): string[] {
  const inner = workspaceCommand(tool, operands);
  // `yarn workspaces foreach …`: the command it runs is not read here; any script may run.
  if (inner !== undefined) return inner.length === 0 || readingFiles(tool, folder, inner).length > 0 ? [`${folder}package.json`] : [];
  const [command, ...rest] = operands;
  // `npm "$CMD"`: a command known only at run time (`$CMD` as pathSpelling spells it) may be one that runs any script (`test`, `start`, `install`).
  if (command === undefined || command.includes('$')) return operands.length > 0 || tool === 'yarn' || tool === 'pnpm' || tool === 'bun' ? [`${folder}package.json`] : [];
  if (!SCRIPT_COMMANDS.has(command)) return runsScriptOfName(tool, command) ? [`${folder}package.json`] : [];
  // `npm install ./r`: a folder (or a tarball) of its own; `npm install lodash` installs what the registry serves.
  const local = rest.filter((arg): arg is string => arg !== undefined && isLocal(arg));
  const installs = /^(install|i|in|isntall|add)$/.test(command);
  return [...(installs && rest.length > local.length ? [] : [`${folder}package.json`]), ...local.map((path) => (/\.(tgz|tar\.gz)$/.test(path) ? path : `${path.replace(/\/+$/, '')}/package.json`))];
}

/**
 * The command a package manager runs in its workspaces: `yarn workspace web build` (web's build script), `yarn workspaces
 * run build` and `yarn workspaces foreach -A run build` (each one's), `pnpm recursive run build` (`m`, `multi`: each
 * one's, as `pnpm -r run build`); undefined when the words run no command in the workspaces this way.
 */
export function workspaceCommand(tool: string, operands: readonly (string | undefined)[]): readonly (string | undefined)[] | undefined {
  const [command, ...rest] = operands;
  if (tool === 'yarn' && command === 'workspace') return rest.slice(1);
  if (tool === 'yarn' && command === 'workspaces') return rest[0] === 'info' || rest[0] === 'list' ? undefined : rest[0] === 'foreach' ? [] : rest;
  return tool === 'pnpm' && (command === 'recursive' || command === 'm' || command === 'multi') ? rest : undefined;
}

/** `pip install .`, `pip install -e ./r`, `pip install ./p.whl`: the project whose build (setup.py, pyproject.toml) runs. */
function pipFiles(args: readonly (string | undefined)[]): string[] {
  const files: string[] = [];
  let installs = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === undefined) continue;
    if (arg === '-e' || arg === '--editable') {
      const project = args[++i];
      if (project !== undefined && isLocal(project)) files.push(...projectFiles(project));
      continue;
    }
    if (arg.startsWith('-')) {
      if (PIP_VALUES.has(arg)) i++;
      continue;
    }
    if (!installs) {
      installs = arg === 'install' || arg === 'wheel' || arg === 'download';
      if (!installs) return [];
      continue;
    }
    if (isLocal(arg)) files.push(...projectFiles(arg));
  }
  return installs ? files : [];
}

function projectFiles(path: string): string[] {
  if (/\.(whl|tar\.gz|tgz|zip)$/.test(path)) return [path];
  const folder = path.replace(/\/+$/, '');
  return ['setup.py', 'pyproject.toml', 'setup.cfg'].map((file) => `${folder}/${file}`);
}

/** `dpkg -i p.deb`, `dpkg --install p.deb`, `dpkg --unpack p.deb`: the packages whose maintainer scripts run. */
function dpkgFiles(args: readonly (string | undefined)[]): string[] {
  const installs = args.some((arg) => arg !== undefined && (/^--(install|unpack)$/.test(arg) || /^-[A-Za-z]*i[A-Za-z]*$/.test(arg)));
  return installs ? args.filter((arg): arg is string => arg !== undefined && !arg.startsWith('-')) : [];
}

/** `rpm -i p.rpm`, `rpm -Uvh p.rpm`, `rpm --upgrade p.rpm`: the packages whose scriptlets run. */
function rpmFiles(args: readonly (string | undefined)[]): string[] {
  const installs = args.some((arg) => arg !== undefined && (/^--(install|upgrade|freshen|reinstall)$/.test(arg) || /^-[iUF]/.test(arg)));
  return installs ? args.filter((arg): arg is string => arg !== undefined && !arg.startsWith('-')) : [];
}

/** `apt install ./p.deb`, `dnf install /tmp/p.rpm`: a package file (named by a path), not one of the repositories. */
function systemFiles(args: readonly (string | undefined)[]): string[] {
  const operands = args.filter((arg) => arg === undefined || !arg.startsWith('-'));
  if (operands[0] === undefined || !SYSTEM_INSTALLS.has(operands[0])) return [];
  return operands.slice(1).filter((arg): arg is string => arg !== undefined && (arg.includes('/') || /\.(deb|rpm)$/.test(arg)));
}

/** A path rather than a name a registry knows: `.`, `./r`, `../r`, `/opt/r`, `r/`. */
function isLocal(arg: string): boolean {
  return arg === '.' || arg === '..' || arg.includes('/');
}
