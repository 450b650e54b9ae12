import { assignsComputedName, expandRecipe, makeVariables } from './make-variables.js';
import { makefileLines } from './makefile-lines.js';
import { makeShellCode, makeShellKnown, makesOwnCode } from './makefile-shell.js';
import { scriptLines } from './package-scripts.js';
import { recipePrefixKnown } from './recipe-prefix.js';

/** How the file is run: the scripts of a package.json named (`npm run x`), the variables set for make outside the Makefile. */
export interface BuildRunning {
  readonly scripts?: readonly string[] | undefined;
  readonly setOutside?: (name: string) => boolean;
  /** Given the names of the package.json's scripts the lines hold (every one when they are all the scripts). */
  readonly reached?: Set<string>;
  /** Read by make whatever its name: a file a Makefile includes (`include config.env`). */
  readonly makefile?: boolean;
}

/**
 * The shell lines a Makefile's recipes or a package.json's scripts hold, which `make`, `npm install` or
 * `npm run x` run: a file the plan writes is rated by them, as a script it writes is by its lines.
 * Undefined when the file is neither, or does not read as one.
 */
export function buildCode(file: string, content: string, { scripts, setOutside = () => true, reached = new Set(), makefile = false }: BuildRunning = {}): string | undefined {
  const name = file.replace(/^.*\//, '');
  if (makefile || /^(GNUmakefile|makefile|Makefile)$/.test(name) || name.endsWith('.mk')) return makeRecipes(content, setOutside);
  if (name === 'package.json') return packageScripts(content, scripts, reached);
  return undefined;
}

/**
 * The scripts of package.json that run: those named (`npm run build`: build, prebuild, postbuild and the scripts
 * they run by name), or every one (install runs the lifecycle scripts, and a script may run any other).
 */
function packageScripts(content: string, named: readonly string[] | undefined, reached: Set<string>): string | undefined {
  try {
    const scripts = (JSON.parse(content) as { scripts?: unknown }).scripts;
    if (scripts === undefined) return '';
    if (typeof scripts !== 'object' || scripts === null) return undefined;
    const lines = Object.values(scripts);
    if (!lines.every((line) => typeof line === 'string')) return undefined;
    const some = named && scriptLines(scripts as Record<string, string>, named, reached);
    if (some !== undefined) return some;
    for (const script of Object.keys(scripts)) reached.add(script);
    return lines.join('\n');
  } catch {
    return undefined;
  }
}

/**
 * The recipe lines, without make's `@`, `-` and `+` prefixes, with `$$` and the variables make knows the value of
 * (`$(RM)`: `rm -f`) as the shell sees them. Another variable make expands stays computed for the shell.
 * With them, the shell code make runs as it reads the Makefile (`X := $(shell …)`, `X != …`).
 * Undefined when which lines are recipes is not known (`.RECIPEPREFIX` set other than plainly), when SHELL or
 * .SHELLFLAGS is other than a plain shell with `-c`, or when the Makefile builds its own code (`$(eval $(X))`,
 * a name computed at run time).
 */
function makeRecipes(content: string, setOutside: (name: string) => boolean): string | undefined {
  const { recipes, settings } = makefileLines(content);
  const computedNames = settings.some(assignsComputedName);
  if (!recipePrefixKnown(content, settings, computedNames, setOutside)) return undefined;
  // A shell other than a plain one, or code the Makefile builds as it reads, runs what its text does not show.
  if (computedNames || makesOwnCode(content) || !makeShellKnown(settings, setOutside, setOutside(NO_VARIABLE))) return undefined;
  const values = makeVariables(content, settings, setOutside);
  // make runs `$(shell …)` and `X != …` as it reads the Makefile, whatever target it makes.
  return [...recipes, ...makeShellCode(content, settings)].map((line) => expandRecipe(line, values)).join('\n');
}

/** A name no variable has: when the line may set it, the line may set any variable. */
const NO_VARIABLE = '.KSA NO VARIABLE';
