import type { DefaultExpansion } from './default-expansions.js';
import type { VariableSetting } from './steering-variables.js';
import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';
import { surelySet } from './branch-settings.js';

/**
 * What a command line tells of its variables, for a command name or an `eval` made of them
 * (`k=kubectl; $k delete ns prod`): every value it assigns, and whether those values are all
 * a variable can hold where it is read.
 */
export interface LineVariables {
  /** Every value the line assigns to each variable: its text when literal, else the words found in it. */
  readonly values: Map<string, string[]>;
  /** Variables some part of the line sets to a value known only at run time (`x=$(…)`, `x=$1`, `x+=…`, `for x in …`). */
  readonly computed: Set<string>;
  /** Variables the line unsets (`unset KUBECONFIG`): no value is known after, but none is set either. */
  readonly cleared: Set<string>;
  /**
   * Variables set where ksa sees no value, after `hiddenAt` already hides what follows (`read -r x`,
   * `printf -v x`, `declare -n r=x; r=…`, `export "x=$y"`): for the variables that change what runs.
   */
  readonly indirect: Set<string>;
  /** Whether the line sets a variable whose name is known only at run time (`export $(cat vars.env)`, `export "$v=…"`). */
  namedAtRunTime: boolean;
  /** Where each variable is first set for sure: by an assignment that every run of the line makes, in order. */
  readonly setAt: Map<string, number>;
  /** Where a function's body sets a variable for sure, for the rest of that body (`f() { local n=$1; …; }`): each place and the body's end. */
  readonly setWithin: Map<string, { readonly at: number; readonly to: number }[]>;
  /** Where the line may set variables in ways not followed (`read`, `eval`, `source`, `declare -n`, a trap). */
  readonly hiddenAt: number[];
  /**
   * From where on no value is known: the start of the first statement of the line that holds such a
   * place (a loop that reads a variable again holds it as a whole), set once the line is read.
   */
  hiddenFrom: number;
  /**
   * Where a declaration's flags keep its values as written (`declare -x HELM_NAMESPACE=web`): places of hiddenAt too,
   * for the risk rater, which reads no value after them; what a command's words name (valueAt) reads past them.
   */
  readonly flaggedAt: number[];
  /** hiddenFrom without the places of flaggedAt. */
  valuesHiddenFrom: number;
  /** Variables set to a literal default the environment may override (`K=${K:-kubectl}`); their value is that default. */
  readonly fromOutside: Set<string>;
  /** Each place of hiddenAt with the start of its statement, and whether that statement holds a loop (it runs again). */
  readonly hiddenPlaces: { readonly at: number; readonly from: number; readonly loop: boolean }[];
  /** `for x in ls pwd; do …; done`: where the loop body runs with the variable set to one of its literal words. */
  readonly loops: { readonly name: string; readonly start: number; readonly from: number; readonly to: number }[];
  /** Each text bash evaluates as arithmetic (`(( n > 1 ))`, `a[$i]`, `let n++`, `[[ $n -eq 1 ]]`), with its place. */
  readonly arithmetic: { readonly at: number; readonly text: string; readonly reads?: NamedReads }[];
  /** Variables given text known only at run time that values does not hold (`for x in $(…)`, `read x`, `${x:=…}`, `coproc x`). */
  readonly textAtRunTime: Set<string>;
  /**
   * Variables `${x:=word}` may give a literal word: possibleValues follows them (the word, or what x held); arithmetic
   * counts them as text read at run time, as what they held may be.
   */
  readonly defaultsAssigned: Set<string>;
  /** Arrays the line declares associative (`declare -A m`): their subscripts are keys, not arithmetic. */
  readonly associative: Set<string>;
  /** Variables the line gives the integer attribute (`declare -i n`, `local -i n`): bash evaluates what is assigned to them as arithmetic. */
  readonly integers: Set<string>;
  /** Each place giving a variable the integer attribute; `local`: by `local`, or by declare/typeset without -g (local in a function). */
  readonly integerDeclarations: { readonly name: string; readonly at: number; readonly local: boolean }[];
  /** Name references (`declare -n r=n`), by reference, with where it is made: what is later assigned to r is assigned to n, as an integer when n is one. */
  readonly references: Map<string, { readonly name: string; readonly at: number }>;
  /** Each place taking it off again: `declare +i n`, `typeset +i n`, `unset n`. */
  readonly integerDrops: { readonly name: string; readonly at: number }[];
  /**
   * Each text the line assigns to a variable, as bash evaluates it when the variable is an integer (`n=v`, `n+=v`,
   * `for n in v`, `${n:=v}`): the variable's own name when what it gets is known only at run time (`read n`).
   */
  readonly assigned: { readonly name: string; readonly at: number; readonly text: string; readonly value?: number }[];
  /** Values assigned as a whole `$((…))` (`n=$((n+1))`), as `name` NUL index in values: bash gives a whole number there. */
  readonly counted: Set<string>;
  /** Values that copy another variable's (`X=$NS`), by variable and index in values: the source and where it is read. */
  readonly copies: Map<string, Map<number, { readonly source: string; readonly at: number }>>;
  /** Variables computed only because a value copies another's: knownValues follows those copies when given a resolver. */
  readonly copiedOnly: Set<string>;
  /**
   * Each place an assignment or a loop over literal words sets a variable, in a branch or not, with the value when
   * known and the variable it copies: what possibleValues reads for deny rules, which meet every value that may be held.
   */
  readonly settings: Map<string, Setting[]>;
  /**
   * Every statement of the line itself (not in a branch, a loop's body, a function) that surely sets each variable:
   * an assignment, `unset`, or a branch every way through which sets it (surelySet); from where it starts, and the
   * place from which a read sees it set.
   */
  readonly firmAt: Map<string, Firm[]>;
  /** The same for each function's body, for the rest of that body (`end`): statements setWithin does not hold (`unset`, branches). */
  readonly firmWithin: Map<string, (Firm & { readonly end: number })[]>;
  /** Variables arithmetic may assign (`((X=5))`, `let X++`, `a[$i]=…`): to values not followed. */
  readonly arithmeticSet: Set<string>;
  /** Where `local X=…` (or declare, typeset without -g) sets a variable of its function only, by place. */
  readonly localAt: Set<number>;
}

/**
 * One place that sets a variable: its literal value, or the variable whose value it copies (`X=$NS`), or neither;
 * `expansion`: the copy is that variable's expansion with a default (`X=${NS:-prod}`, `${X:=prod}`); `unset`: it
 * unsets it (`unset X`).
 */
export interface Setting {
  readonly at: number;
  readonly value?: string;
  readonly copy?: { readonly source: string; readonly at: number };
  readonly expansion?: DefaultExpansion;
  readonly unset?: true;
  /** Each field of the value, as a loop over the unquoted word takes them (`for ns in ${NSS:-prod}`). */
  readonly split?: true;
}

/** A statement that surely sets a variable: where it starts, and where a read sees it set (its end, for a branch). */
export interface Firm {
  readonly from: number;
  readonly until: number;
}

/**
 * Text bash reads as a variable's name (`names`: `${!x}`, `test -v "$x"`, whose `a[$(…)]` it evaluates) or an
 * associative array's key it expands once more (`keys`: `unset "m[$k]"`), rather than as arithmetic: a value that is
 * a plain name, or a key holding no `$` or backquote, runs nothing there.
 */
export type NamedReads = 'names' | 'keys';

export function lineVariables(): LineVariables {
  return { values: new Map(), computed: new Set(), cleared: new Set(), indirect: new Set(), namedAtRunTime: false, setAt: new Map(), setWithin: new Map(), hiddenAt: [], hiddenFrom: Number.POSITIVE_INFINITY, flaggedAt: [], valuesHiddenFrom: Number.POSITIVE_INFINITY, fromOutside: new Set(), hiddenPlaces: [], loops: [], arithmetic: [], textAtRunTime: new Set(), defaultsAssigned: new Set(), associative: new Set(), integers: new Set(), integerDeclarations: [], references: new Map(), integerDrops: [], assigned: [], counted: new Set(), copies: new Map(), copiedOnly: new Set(), settings: new Map(), firmAt: new Map(), firmWithin: new Map(), arithmeticSet: new Set(), localAt: new Set() };
}

/** Values kept per variable; a variable assigned more often counts as computed. */
export const MAX_VALUES = 16;
/** Variables bash sets itself as the line runs (`$_` is the last argument, `read` fills REPLY, `cd` PWD). */
export const SET_BY_BASH = new Set(['_', 'REPLY', 'OPTARG', 'OPTIND', 'MAPFILE', 'BASH_REMATCH', 'COPROC', 'PWD', 'OLDPWD', 'RANDOM', 'SRANDOM', 'SECONDS', 'LINENO', 'EPOCHREALTIME', 'EPOCHSECONDS', 'BASHPID', 'BASH_COMMAND', 'BASH_ARGV0', 'HISTCMD', 'PIPESTATUS', 'FUNCNAME', 'COLUMNS', 'LINES']);
/** Builtins that set variables named only as words (`read x`, `printf -v x`), or run code that may (`eval`, `source`, `trap`). */
export const SETTING_BUILTINS = new Set(['read', 'readarray', 'mapfile', 'getopts', 'printf', 'wait', 'eval', 'source', '.', 'alias', 'trap', 'declare', 'typeset', 'local', 'export', 'readonly', 'unset']);
/** Words that run the builtin after them in the same shell (`command read x`, `builtin eval …`, `time read x`). */
export const BUILTIN_PREFIXES = new Set(['command', 'builtin', 'time']);
export const GLOB = /[*?[]/;
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Records a place that sets a variable, for possibleValues. */
export function recordSetting(variables: LineVariables, name: string, setting: Setting): void {
  const settings = variables.settings.get(name) ?? [];
  settings.push(setting);
  variables.settings.set(name, settings);
}

/** Marks the arithmetic at `at` as a place where any variable may be set to a value not followed (settleVariables has run). */
export function hideAfterArithmetic(variables: LineVariables, root: ShellNode, at: number): void {
  variables.hiddenAt.push(at);
  settleHidden(variables, root, [at]);
}

/**
 * Once the whole line is read: where each variable is first set for sure, by an assignment
 * that is a statement of the line itself (not in a branch, a loop, a subshell or the background,
 * and not a prefix of a command, which sets it for that command only); from which statement on
 * values are hidden; and whether some value names a builtin that sets variables (`R=read; $R x`),
 * which hides every value.
 */
export function settleVariables(variables: LineVariables, root: ShellNode): void {
  const firm = (node: ShellNode, set: (name: string, at: number) => void): void => {
    if (node.type === 'variable_assignment') {
      const name = node.childForFieldName('name');
      if (name?.type === 'variable_name') set(name.text, node.startIndex);
    } else if (node.type === 'variable_assignments') {
      // `X=$NS Y=$X`: bash makes them in order, so Y copies the X just set.
      for (const child of namedChildren(node)) firm(child, set);
    } else if (node.type === 'declaration_command' && /^(export|readonly|declare|typeset|local)\b/.test(node.text)) {
      for (const child of namedChildren(node)) if (child.type === 'variable_assignment') firm(child, set);
    } else if (node.type === 'for_statement') {
      // A loop over literal words leaves its variable set to one of them.
      const loop = variables.loops.find((entry) => entry.start === node.startIndex);
      if (loop !== undefined) set(loop.name, node.startIndex);
    } else if (node.type === 'list') {
      // `A=ls && …`: only the first part of a list runs every time.
      const first = namedChildren(node)[0];
      if (first) firm(first, set);
    }
  };
  const firmStatements = (statements: readonly ShellNode[], set: (name: string, at: number) => void) =>
    statements.forEach((statement, i) => {
      if (statement.isNamed && statements[i + 1]?.text !== '&') firm(statement, set);
    });
  const addFirm = (name: string, firm: Firm) => variables.firmAt.set(name, [...(variables.firmAt.get(name) ?? []), firm]);
  firmStatements(allChildren(root), (name, at) => {
    if (!variables.setAt.has(name)) variables.setAt.set(name, at);
    addFirm(name, { from: at, until: at + 1 });
  });
  // `unset X`, and an `if`/`case` every branch of which sets X, for possibleValues only.
  const branchStatements = (statements: readonly ShellNode[], add: (name: string, firm: Firm) => void) =>
    statements.forEach((statement, i) => {
      if (!statement.isNamed || statements[i + 1]?.text === '&') return;
      for (const name of surelySet(statement)) add(name, { from: statement.startIndex, until: statement.startIndex + statement.text.length });
    });
  branchStatements(allChildren(root), addFirm);
  // Each run of a function's body makes its own statements' assignments, in order, for what follows in it.
  for (const body of functionBodies(root)) {
    const to = body.startIndex + body.text.length;
    firmStatements(allChildren(body), (name, at) => variables.setWithin.set(name, [...(variables.setWithin.get(name) ?? []), { at, to }]));
    branchStatements(allChildren(body), (name, firm) => variables.firmWithin.set(name, [...(variables.firmWithin.get(name) ?? []), { ...firm, end: to }]));
  }
  settleHidden(variables, root, variables.hiddenAt);
  for (const name of variables.copies.keys()) {
    if (!variables.computed.has(name)) variables.copiedOnly.add(name);
    variables.computed.add(name);
  }
  for (const values of variables.values.values()) {
    if (values.some((value) => SETTING_BUILTINS.has(value.split(/\s+/)[0] ?? '') || BUILTIN_PREFIXES.has(value.split(/\s+/)[0] ?? ''))) variables.hiddenFrom = variables.valuesHiddenFrom = 0;
  }
}

/** The statement of the line holding each place: from there on no value is known. */
function settleHidden(variables: LineVariables, root: ShellNode, places: readonly number[]): void {
  const statements = allChildren(root);
  const starts = statements.filter((statement) => statement.isNamed).map((statement) => statement.startIndex);
  for (const at of places) {
    const from = starts.findLast((start) => start <= at) ?? 0;
    const statement = statements.find((each) => each.isNamed && each.startIndex === from);
    variables.hiddenPlaces.push({ at, from, loop: statement === undefined || holdsLoop(statement) });
    variables.hiddenFrom = Math.min(variables.hiddenFrom, from);
    if (!variables.flaggedAt.includes(at)) variables.valuesHiddenFrom = Math.min(variables.valuesHiddenFrom, from);
  }
}

/** The bodies of the functions a line defines (`f() { …; }`, `function f ( … )`), however deep. */
export function functionBodies(root: ShellNode): ShellNode[] {
  const bodies: ShellNode[] = [];
  const walk = (node: ShellNode, depth: number): void => {
    if (depth > 500) return;
    const body = node.type === 'function_definition' ? node.childForFieldName('body') : null;
    if (body !== null) bodies.push(body);
    for (const child of namedChildren(node)) walk(child, depth + 1);
  };
  walk(root, 0);
  return bodies;
}

const LOOPS = new Set(['for_statement', 'c_style_for_statement', 'while_statement']);

function holdsLoop(node: ShellNode): boolean {
  return LOOPS.has(node.type) || namedChildren(node).some(holdsLoop);
}

/**
 * Whether a variable still holds the value the line was started with where a command at `at` runs: the line never
 * sets it (nor IFS, which changes how every value splits), and nothing before that command may set variables not
 * followed (`eval "$X"`, `source`, `read`…; one after it in the same loop runs before it again). The command's own
 * `eval '…'` does not count: what it runs starts with the values it finds. `pastFlags`: past the declarations of
 * flaggedAt too, as knownValues reads them.
 */
export function startValueHolds(variables: LineVariables, name: string, at: number, pastFlags = false): boolean {
  const touched = (each: string) => variables.values.has(each) || variables.computed.has(each) || variables.indirect.has(each) || variables.cleared.has(each);
  if (touched(name) || touched('IFS') || SET_BY_BASH.has(name) || variables.namedAtRunTime) return false;
  // `declare -r X=$NS`: a declaration whose flags keep its values as written sets only the variables it names.
  const places = pastFlags ? variables.hiddenPlaces.filter((place) => !variables.flaggedAt.includes(place.at)) : variables.hiddenPlaces;
  return !places.some((place) => place.at < at || (place.from < at && place.loop));
}

/** The value a copied variable (`X=$NS`) had where the copy was made, when known; undefined otherwise. */
export type CopiedValue = (source: string, at: number) => string | undefined;

/** How many copies of copies (`A=$B; C=$A`) knownValues follows. */
const MAX_COPY_DEPTH = 16;

/**
 * The values a variable may hold at a place in the line, when all are known before running:
 * set for sure before that place, and only ever to literal values, or to copies of another variable's value that
 * `copied` knows. Undefined otherwise. `pastFlags`: past the
 * declarations of flaggedAt too (what a command names, not what the risk rater reads as a command's name).
 */
export function knownValues(variables: LineVariables, name: string, at: number, fromOutside = false, pastFlags = false, copied?: CopiedValue, depth = 0): readonly string[] | undefined {
  const follows = copied !== undefined && depth < MAX_COPY_DEPTH && variables.copiedOnly.has(name);
  if ((variables.fromOutside.has(name) && !fromOutside) || at > (pastFlags ? variables.valuesHiddenFrom : variables.hiddenFrom) || (variables.computed.has(name) && !follows) || variables.cleared.has(name) || SET_BY_BASH.has(name) || variables.values.has('IFS')) return undefined;
  const setAt = variables.setAt.get(name);
  const inLoop = variables.loops.some((loop) => loop.name === name && loop.from <= at && at < loop.to);
  const inBody = variables.setWithin.get(name)?.some((place) => place.at < at && at < place.to) === true;
  if (!inLoop && !inBody && (setAt === undefined || setAt >= at)) return undefined;
  const values = variables.values.get(name);
  const copies = variables.copies.get(name);
  if (values === undefined || copies === undefined || !follows) return values;
  const resolved: string[] = [];
  for (const [i, value] of values.entries()) {
    const copy = copies.get(i);
    // The source's value where the copy is made: the line's own, else what `copied` knows of it there.
    const held = copy === undefined ? [value] : (knownValues(variables, copy.source, copy.at, false, pastFlags, copied, depth + 1) ?? listOf(copied(copy.source, copy.at)));
    if (held === undefined) return undefined;
    resolved.push(...held);
  }
  return resolved;
}

function listOf(value: string | undefined): readonly string[] | undefined {
  return value === undefined ? undefined : [value];
}

/**
 * Whether the line may set or unset a variable anywhere, in any way (`X=rm`, `printf -v X rm`, `: ${X:=rm}`, `getopts x X`,
 * `unset X`, `((X=0))`, `let X++`, `coproc X { …; }`),
 * or holds a place where it may set variables not followed (`eval …`, `source …`): then a default written for it
 * (`${X:-ls}`) is not what surely runs.
 */
export function mayBeSet(variables: LineVariables, name: string): boolean {
  return variables.values.has(name) || variables.computed.has(name) || variables.indirect.has(name) || variables.cleared.has(name) || SET_BY_BASH.has(name) || variables.namedAtRunTime || variables.hiddenAt.length > 0;
}

/** Every variable the line sets, with its value when that is one literal text (for steeringRisk). */
export function lineSettings(variables: LineVariables): VariableSetting[] {
  const names = new Set([...variables.values.keys(), ...variables.computed, ...variables.indirect]);
  const unknown: VariableSetting[] = variables.namedAtRunTime ? [{ name: undefined, value: undefined }] : [];
  return unknown.concat([...names].flatMap((name): VariableSetting[] => (variables.computed.has(name) || variables.indirect.has(name) || variables.fromOutside.has(name) ? [{ name, value: undefined }] : (variables.values.get(name) ?? []).map((value): VariableSetting => ({ name, value })))));
}
