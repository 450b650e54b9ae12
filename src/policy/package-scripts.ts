/**
 * Which scripts of a package.json a command runs: `npm run x` runs x with its `prex` and `postx`, `npm test` test,
 * `npm start` start, and a script runs the scripts it names in turn (`"ci": "npm run lint && npm test"`).
 */
import { isWorkspaceOption } from './npm-workspaces.js';

/** The package managers that run a package.json's scripts. */
const TOOLS = 'npm|pnpm|yarn|bun';
/** npm's commands that run one script by the name that follows them. */
const RUN = /^(run|run-script|rum|urn)$/;
/** npm's commands that run the script of their own name (`npm t` is `npm test`). */
const NAMED: Readonly<Record<string, readonly string[]>> = {
  test: ['test'],
  t: ['test'],
  tst: ['test'],
  start: ['start'],
  stop: ['stop'],
  // Without a restart script npm runs stop, then start.
  restart: ['restart', 'stop', 'start'],
};
/** Options that take no value and leave the script as named (`npm run --silent build`). */
const PLAIN_OPTION = /^(-s|--silent|-q|--quiet|-d{1,3}|--verbose|--if-present|--foreground-scripts|--no-color|--(color|loglevel)=.*)$/;
/** Options that take the next word: the folder whose package.json runs (read by buildInputs). */
const FOLDER_OPTION = /^(--prefix|--dir|--cwd|-C)$/;

/**
 * The scripts a package manager's command runs by name, as written after the program (`run build` → build);
 * undefined when it is none of those commands, or the name is known only at run time (`npm run "$X"`).
 */
export function namedScripts(args: readonly (string | undefined)[]): readonly string[] | undefined {
  const operands: (string | undefined)[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') break;
    // In workspaces (any spelling npm takes: `--ws`, `--w a`), pnpm's -r and --filter: not this package.json's script alone.
    if (arg !== undefined && isWorkspaceOption(arg)) return undefined;
    if (arg === undefined || !arg.startsWith('-')) operands.push(arg);
    // An option whose value may be taken for the script's name: which one runs is not read.
    else if (FOLDER_OPTION.test(arg)) i++;
    else if (operands.length < 2 && !PLAIN_OPTION.test(arg) && !/^--(prefix|dir|cwd)=/.test(arg)) return undefined;
  }
  const [command, name] = operands;
  if (command === undefined) return undefined;
  if (RUN.test(command)) return name === undefined ? undefined : [name];
  return NAMED[command];
}

/**
 * The lines the named scripts run, each with its `pre` and `post` scripts, and the scripts those name in turn;
 * undefined when one of them is not in `scripts`, or runs scripts in a way not read here (`npm install`,
 * `npm run "$X"`, `npm-run-all`, `$npm_execpath`): then any script of the file may run. `seen` is given the names
 * it reads, so a caller follows each script once (scripts that all run each other are read once, not once each).
 */
export function scriptLines(scripts: Readonly<Record<string, string>>, names: readonly string[], seen = new Set<string>()): string | undefined {
  const pending = [...names];
  const lines: string[] = [];
  while (pending.length > 0) {
    const name = pending.shift()!;
    if (seen.has(name)) continue;
    seen.add(name);
    if (!Object.hasOwn(scripts, name)) {
      // A missing pre or post script is common; a missing script that is asked for is not read (npm start may run server.js).
      if (names.includes(name) || !/^(pre|post)/.test(name)) return undefined;
      continue;
    }
    const line = scripts[name]!;
    const called = calledScripts(line);
    if (called === undefined) return undefined;
    lines.push(line);
    pending.push(...[`pre${name}`, `post${name}`].filter((hook) => !seen.has(hook)), ...called);
  }
  return lines.join('\n');
}

/** A package manager's name as a word of its own (not `npm-run-all`, not `.npmrc`). */
const TOOL_WORD = new RegExp(`(?<![\\w./-])(${TOOLS})(?![\\w./-])`, 'g');
/** Tools that run scripts by names or patterns of their own. */
const SCRIPT_RUNNERS = /(?<![\w./-])(npm-run-all2?|run-s|run-p|concurrently|wireit|lerna|turbo|nx)(?![\w./-])|npm_execpath|npm_command/;

/** The scripts a script's line runs by name (`npm run lint && npm test`); undefined when it may run others. */
function calledScripts(line: string): string[] | undefined {
  if (SCRIPT_RUNNERS.test(line)) return undefined;
  const called: string[] = [];
  for (const match of line.matchAll(TOOL_WORD)) {
    // The words up to the end of the command, when plain: `npm run lint`, `yarn build`, `npm test -- --watch`.
    const rest = line.slice(match.index + match[0].length).split(/[;&|()\n]/)[0]!;
    const words = rest.trim().split(/\s+/).filter(Boolean);
    if (words.some((word) => /[$`"'\\*?{}[\]]/.test(word))) return undefined;
    const named = namedScripts(words);
    // `yarn build`, `pnpm lint`, `bun dev`: these run a script by its name alone.
    const alone = match[1] !== 'npm' && words[0] !== undefined && !words[0].startsWith('-') && !BUILTIN.test(words[0]) ? [words[0]] : undefined;
    const found = named ?? alone;
    if (found === undefined) return undefined;
    called.push(...found);
  }
  return called;
}

/** yarn's, pnpm's and bun's own commands, which a word after them is not a script's name for (install, add, exec…). */
const BUILTIN = /^(install|i|add|remove|rm|ci|exec|dlx|x|create|init|link|unlink|publish|pack|update|up|upgrade|outdated|why|info|list|ls|config|set|workspace|workspaces|import|rebuild|prune|patch|dedupe|audit|store|env|node|build|help|version)$/;

/** More of yarn's, pnpm's and bun's own commands, which do not run a script of their name. */
const OWN_COMMANDS = /^(un|uninstall|ln|fetch|patch-commit|licenses|root|bin|setup|doctor|deploy|server|cache|global|tag|team|owner|login|logout|autoclean|check|policies|unplug|versions|dedupe|pm|repl|completions|upgrade-interactive|self-update|cat-file|cat-index|find-hash|generate-lock-entry|a|c)$/;

/** Whether yarn, pnpm or bun runs the script of a command's name (`pnpm build`, `yarn lint`): any word that is not a command of its own. */
export function runsScriptOfName(tool: string, command: string): boolean {
  if (tool === 'npm' || command.startsWith('-') || OWN_COMMANDS.test(command)) return false;
  // bun's `build` bundles; pnpm's and yarn's run the build script.
  return !BUILTIN.test(command) || (command === 'build' && tool !== 'bun');
}
