import { defaultExpansion } from './variable-names.js';
import { wholeDefault } from './default-expansions.js';
import { declarationFlags } from './declaration-flags.js';
import { testArithmetic, testedNames } from './arithmetic-operands.js';
import { BUILTIN_PREFIXES, GLOB, MAX_VALUES, NAME, recordSetting, SETTING_BUILTINS, type LineVariables } from './shell-variables.js';
import { allChildren, evaluateWord, namedChildren, type ShellNode, type ShellWord } from './shell-syntax.js';

/**
 * A value that is one variable's, read whole: `$NS`, `${NS}`, `"$NS"`, `"${NS}"`, or one positional parameter's
 * (`$1`, `"${10}"`; `$10` is `$1` then a 0), which a call of the function it is in gives.
 */
const COPY = /^("?)\$(?:([A-Za-z_][A-Za-z0-9_]*|[1-9])|\{([A-Za-z_][A-Za-z0-9_]*|[1-9][0-9]*)\})\1$/;

/**
 * `NAME=value` (alone, before a command, or in `export`): its value, or that it is only known at run time.
 * `prefix`: written before a command's name, it sets the variable for that command's process only.
 */
export function recordAssignment(variables: LineVariables, node: ShellNode, prefix = false): void {
  const target = node.childForFieldName('name');
  if (target === null) return;
  // `A[0]=rm` sets what `$A` reads.
  const name = target.type === 'subscript' ? (namedChildren(target)[0]?.text ?? target.text) : target.text;
  const value = node.childForFieldName('value');
  const word = value ? evaluateWord(value) : undefined;
  if (value && variables.references.get(name)?.name === '') recordNamedVariable(variables, word?.literal ?? value.text.replace(/["']/g, ''), node.startIndex);
  const appends = allChildren(node).some((child) => !child.isNamed && child.text === '+=');
  const values = variables.values.get(name) ?? [];
  // `K=${KUBECTL:-kubectl}`: the default, or what the environment sets (knownValues gives it only when asked).
  const defaulted = value && target.type !== 'subscript' && !appends ? defaultExpansion(value.text) : undefined;
  if (defaulted !== undefined) variables.fromOutside.add(name);
  values.push(defaulted?.fallback ?? (word === undefined ? '' : (word.literal ?? word.hints.join(' '))));
  variables.assigned.push({ name, at: node.startIndex, text: word?.literal ?? value?.text ?? '', value: values.length - 1 });
  if (value?.type === 'arithmetic_expansion' && !appends) variables.counted.add(`${name}\0${values.length - 1}`);
  variables.values.set(name, values);
  // `X=$NS`, `X="${NS}"`: bash neither splits nor globs an assignment's value, so X holds NS's value exactly;
  // settleVariables counts X as computed unless knownValues is asked to follow the copy.
  const copied = value && target.type !== 'subscript' && !appends ? COPY.exec(value.text) : null;
  if (copied !== null) {
    const copies = variables.copies.get(name) ?? new Map<number, { readonly source: string; readonly at: number }>();
    copies.set(values.length - 1, { source: copied[2] ?? copied[3]!, at: node.startIndex });
    variables.copies.set(name, copies);
  }
  // A glob in the value expands again where `$A` is read unquoted.
  const unknown = target.type === 'subscript' || appends || (word !== undefined && defaulted === undefined && copied === null && (word.literal === undefined || GLOB.test(word.literal)));
  if (unknown || values.length > MAX_VALUES) variables.computed.add(name);
  const known = unknown || defaulted !== undefined ? undefined : (word?.literal ?? (word === undefined ? '' : undefined));
  if (prefix) return;
  // `X=${NS:-prod}`: what the expansion gives of NS's value there (possibleValues).
  const expansion = value && target.type !== 'subscript' && !appends ? wholeDefault(value.text) : undefined;
  if (expansion !== undefined) recordSetting(variables, name, { at: node.startIndex, copy: { source: expansion.name, at: node.startIndex }, expansion });
  else recordSetting(variables, name, { at: node.startIndex, ...(known === undefined ? {} : { value: known }), ...(copied === null ? {} : { copy: { source: copied[2] ?? copied[3]!, at: node.startIndex } }) });
}

/**
 * The other ways a line's syntax sets variables: `for x in …` (and `select`), `unset x`,
 * `local x`, `declare -n x=y` (a flag may make a name a reference or a number), `${x:=rm}`.
 */
export function recordSyntax(variables: LineVariables, node: ShellNode): void {
  switch (node.type) {
    case 'for_statement':
      return recordLoop(variables, node);
    case 'unset_command':
      return recordUnset(variables, node);
    case 'arithmetic_expansion':
      return recordArithmetic(variables, node.text, node.startIndex);
    case 'c_style_for_statement': {
      // What is between `for ((` and its `))`: the keyword is no name the expressions read.
      const body = node.childForFieldName('body');
      const head = body === null ? node.text : node.text.slice(0, body.startIndex - node.startIndex);
      const close = head.lastIndexOf('))');
      return recordArithmetic(variables, head.slice(head.indexOf('((') + 2, close < 0 ? undefined : close), node.startIndex);
    }
    case 'compound_statement':
      if (allChildren(node)[0]?.text === '((') recordArithmetic(variables, node.text, node.startIndex);
      return;
    case 'subscript': {
      // An indexed array's subscript is arithmetic: `a[K=1]=x`, `${a[K++]}`; an associative array's is a key.
      const array = namedChildren(node)[0]?.text ?? '';
      if (!variables.associative.has(array)) recordArithmetic(variables, node.text.slice(node.text.indexOf('[')), node.startIndex);
      return;
    }
    case 'test_command':
      // `[[ K=1 -eq 1 ]]`: bash evaluates those operands as arithmetic; `[ … ]` and `test` do not.
      if (allChildren(node)[0]?.text === '[[') for (const operand of testArithmetic(node)) recordArithmetic(variables, operand, node.startIndex);
      // `[ -v 'a[$X]' ]` evaluates the subscript as `[[ -v a[$X] ]]` and `test -v` do; its -eq operands must be numbers already.
      for (const name of testedNames(node)) recordNamedVariable(variables, name, node.startIndex, allChildren(node)[0]?.text === '[[');
      return;
    case 'declaration_command': {
      const children = namedChildren(node);
      const flags = declarationFlags(allChildren(node)[0]?.text, children);
      if (flags !== 'none') variables.hiddenAt.push(node.startIndex);
      if (flags === 'plain') variables.flaggedAt.push(node.startIndex);
      const keeps = /^(export|readonly)\b/.test(node.text);
      const options = children.filter((child) => child.type === 'word' && child.text.startsWith('-')).map((child) => child.text);
      // `declare -i n=$x`, and every later `n=$x`, evaluates the value as arithmetic (integerAssignments).
      const integer = options.some((option) => /^-[A-Za-z]*i/.test(option));
      const keyword = allChildren(node)[0]?.text;
      const local = keyword === 'local' || !options.some((option) => /^-[A-Za-z]*g/.test(option));
      // In a function, such a declaration's assignments set its own variables, which another function does not see.
      if (local && keyword !== 'export' && keyword !== 'readonly') for (const child of children) if (child.type === 'variable_assignment') variables.localAt.add(child.startIndex);
      const declare = (name: string) => {
        variables.integers.add(name);
        variables.integerDeclarations.push({ name, at: node.startIndex, local });
      };
      // `declare +i n`: what is assigned to n later is kept as written again.
      const drops = !integer && children.some((child) => child.type === 'word' && /^\+[A-Za-z]*i/.test(child.text));
      for (const child of children) {
        const target = child.type === 'variable_assignment' ? child.childForFieldName('name') : null;
        const name = target !== null ? (target.type === 'subscript' ? namedChildren(target)[0]?.text : target.text) : child.type === 'variable_name' ? child.text : undefined;
        if (integer && name !== undefined) declare(name);
        if (drops && name !== undefined) variables.integerDrops.push({ name, at: node.startIndex });
        if (name !== undefined && options.some((option) => /^-[A-Za-z]*A/.test(option))) variables.associative.add(name);
      }
      // `local X` makes X empty in the function; `declare X` keeps what X held: either way no value to meet.
      if (!keeps) for (const child of children) if (child.type === 'variable_name') variables.computed.add(child.text);
      if (!keeps) for (const child of children) if (child.type === 'variable_name') recordSetting(variables, child.text, { at: child.startIndex });
      // `declare -n r=PATH`: what is later assigned to r lands in PATH.
      const reference = children.some((child) => child.type === 'word' && /^-[A-Za-z]*n/.test(child.text));
      // `declare -n r` with no target yet: what is later assigned or read into r is the name it refers to.
      if (reference) for (const child of children) if (child.type === 'variable_name') variables.references.set(child.text, { name: '', at: child.startIndex });
      for (const child of children) {
        if (child.type === 'variable_assignment' && reference) {
          const target = child.childForFieldName('value');
          const name = target ? evaluateWord(target).literal : undefined;
          const reference = child.childForFieldName('name')?.text;
          if (name !== undefined && reference !== undefined) variables.references.set(reference, { name, at: child.startIndex });
          if (name !== undefined && NAME.test(name)) variables.indirect.add(name);
          else {
            // `declare -n r=$x`: r names what x holds, read as a name wherever r is.
            recordNamedVariable(variables, name ?? target?.text.replace(/["']/g, '') ?? '', child.startIndex);
            variables.namedAtRunTime = true;
          }
        } else if (child.type !== 'variable_assignment' && child.type !== 'variable_name' && !(child.type === 'word' && /^[-+]/.test(child.text))) {
          // `declare -n "r=$x"`: the reference names what x holds.
          const quotedReference = reference ? /^[A-Za-z_][A-Za-z0-9_]*=([\s\S]*)$/.exec(spelledName(evaluateWord(child))) : null;
          if (quotedReference !== null) recordNamedVariable(variables, quotedReference[1]!, child.startIndex);
          recordSettingWord(variables, child, !keeps);
          // `declare -i 'n=v'`: a quoted assignment is one too.
          const quoted = integer ? /^([A-Za-z_][A-Za-z0-9_]*)\+?=/.exec(evaluateWord(child).literal ?? '')?.[1] : undefined;
          if (quoted !== undefined) declare(quoted);
        }
      }
      return;
    }
    case 'expansion': {
      // `${!x}`, `${!x:-d}`: the value of the variable x names (not `${!a[@]}`, the keys, nor `${!P*}`, the names).
      const indirect = /^\$\{!([A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_]*(?:\[[@*]\]|[@*])\})/.exec(node.text);
      if (indirect !== null) variables.arithmetic.push({ at: node.startIndex, text: `$${indirect[1]}`, reads: 'names' });
      if (allChildren(node).some((child) => !child.isNamed && (child.text === '=' || child.text === ':='))) {
        const name = namedChildren(node).find((child) => child.type === 'variable_name');
        // `${NS:=prod}` leaves NS as it was, or sets it to prod: a place that may set it, followed (possibleValues).
        // Whether the expansion stands in double quotes is not known here: a single quote in its word leaves it unread.
        const expansion = wholeDefault(node.text, undefined);
        if (name && expansion?.name === name.text && (expansion.operator === '=' || expansion.operator === ':=')) {
          variables.defaultsAssigned.add(name.text);
          recordSetting(variables, name.text, { at: node.startIndex, copy: { source: name.text, at: node.startIndex }, expansion });
        } else if (name) variables.textAtRunTime.add(name.text);
        if (name) variables.computed.add(name.text);
        if (name) variables.assigned.push({ name: name.text, at: node.startIndex, text: name.text });
      }
    }
  }
}

const NAMES = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * Arithmetic (`((F=0))`, `$((DRY=7))`, `let X+=1`, `$((N++))`, `for ((i=0;…))`) that assigns sets a variable ksa does
 * not follow to a value: every name the expression holds counts as set, whichever the operator lands on
 * (`a[K=1]`, `X=Y=2`). Comparisons (`==`, `!=`, `<=`, `>=`) assign nothing. The text is kept for evaluatedText, which
 * tells whether it evaluates text read at run time (and so may assign any variable, or run code).
 */
export function recordArithmetic(variables: LineVariables, text: string, at: number): void {
  variables.arithmetic.push({ at, text });
  const operators = text.replace(/<<=|>>=/g, '=').replace(/[=!<>]=/g, '  ');
  if (!/=|\+\+|--/.test(operators)) return;
  for (const name of text.match(NAMES) ?? []) {
    variables.computed.add(name);
    variables.arithmeticSet.add(name);
  }
}

/** `unset F`, `unset -v 'F'`: F holds no value after; `unset "$v"`: a variable named at run time. */
function recordUnset(variables: LineVariables, node: ShellNode): void {
  // `unset -f n` removes a function only; `unset n` and `unset -v n` remove the variable with its attributes.
  const functionsOnly = namedChildren(node).some((child) => /^-[A-Za-z]*f/.test(evaluateWord(child).literal ?? ''));
  for (const child of namedChildren(node)) {
    if (child.type === 'variable_name') {
      variables.cleared.add(child.text);
      if (!functionsOnly) variables.integerDrops.push({ name: child.text, at: node.startIndex });
      if (!functionsOnly) recordSetting(variables, child.text, { at: node.startIndex, unset: true });
      continue;
    }
    const name = evaluateWord(child).literal;
    const element = ELEMENT.exec(name ?? child.text.replace(/["']/g, ''));
    if (element !== null) {
      // `unset "a[$i]"` removes an element: a keeps the others, and the subscript is arithmetic.
      recordNamedVariable(variables, element[0], node.startIndex);
      variables.computed.add(element[1]!);
    } else if (name === undefined) {
      recordNamedVariable(variables, child.text.replace(/["']/g, ''), node.startIndex);
      variables.namedAtRunTime = true;
    } else if (!name.startsWith('-')) {
      variables.cleared.add(name);
      if (!functionsOnly) variables.integerDrops.push({ name, at: node.startIndex });
      if (!functionsOnly) recordSetting(variables, name, { at: node.startIndex, unset: true });
    }
  }
}

/**
 * `for tool in kubectl helm; do $tool version; done`: over literal words, the variable holds each of them in the
 * body (and the last one after); over words known only at run time (`in *.log`, `in $(cat list)`, none: `"$@"`),
 * or in `select`, which the user answers, any value.
 */
function recordLoop(variables: LineVariables, node: ShellNode): void {
  const variable = namedChildren(node).find((child) => child.type === 'variable_name');
  const body = node.childForFieldName('body');
  if (variable === undefined) return;
  const words = namedChildren(node).filter((child) => child.startIndex !== variable.startIndex && child.startIndex !== body?.startIndex && child.type !== 'comment');
  const values = words.map((word) => evaluateWord(word).literal);
  const name = variable.text;
  // `for ns in ${NSS:-prod}`: each field of what each default gives (possibleValues), the others literal.
  const defaults = values.map((value, i) => (value === undefined ? wholeDefault(words[i]!.text) : undefined));
  if (allChildren(node)[0]?.text === 'for' && body !== null && defaults.some(Boolean) && values.every((value, i) => (value === undefined ? defaults[i] !== undefined : !GLOB.test(value)))) {
    variables.computed.add(name);
    variables.defaultsAssigned.add(name);
    variables.assigned.push({ name, at: node.startIndex, text: name });
    for (const [i, value] of values.entries()) {
      const expansion = defaults[i];
      if (expansion === undefined) recordSetting(variables, name, { at: node.startIndex, value: value! });
      else recordSetting(variables, name, { at: node.startIndex, copy: { source: expansion.name, at: node.startIndex }, expansion, ...(words[i]!.text.startsWith('"') ? {} : { split: true as const }) });
    }
    return;
  }
  if (allChildren(node)[0]?.text !== 'for' || body === null || values.length === 0 || values.some((value) => value === undefined || GLOB.test(value))) {
    variables.computed.add(name);
    variables.textAtRunTime.add(name);
    variables.assigned.push({ name, at: node.startIndex, text: name });
    return;
  }
  for (const value of values as string[]) {
    variables.assigned.push({ name, at: node.startIndex, text: value });
    recordSetting(variables, name, { at: node.startIndex, value });
  }
  const known = variables.values.get(name) ?? [];
  known.push(...(values as string[]));
  variables.values.set(name, known);
  if (known.length > MAX_VALUES) variables.computed.add(name);
  variables.loops.push({ name, start: node.startIndex, from: body.startIndex, to: body.startIndex + body.text.length });
}

/** `export "PATH=.:$PATH"`, `declare 'PATH'=.`, `export $p=.`, `export $(cat vars.env)`: an assignment written as a quoted or computed word. */
function recordSettingWord(variables: LineVariables, node: ShellNode, readsNames: boolean): void {
  const word = evaluateWord(node);
  // `BASH_FUNC_ls%%=…`, a function for the shells the line starts, is named with more than a variable's characters.
  const match = /^(BASH_FUNC_[^=]*|[A-Za-z_][A-Za-z0-9_]*)(\+?=)([\s\S]*)$/.exec(word.literal ?? node.text.replace(/["'\\]/g, ''));
  // `declare 'a[$X]=1'`: the element's subscript is arithmetic; `declare "$n=1"`: n holds the name set.
  if (match === null && /^[A-Za-z_][A-Za-z0-9_]*\[[\s\S]*\]\+?=/.test(spelledName(word))) recordNamedVariable(variables, spelledName(word).replace(/\+?=[^\]]*$/, ''), node.startIndex);
  else if (match === null && word.literal === undefined && readsNames) recordNamedVariable(variables, spelledName(word).replace(/\+?=[\s\S]*$/, ''), node.startIndex);
  if (match === null) {
    if (word.literal === undefined) variables.namedAtRunTime = true;
    return;
  }
  const name = match[1]!;
  variables.assigned.push({ name, at: node.startIndex, text: word.literal === undefined ? name : match[3]! });
  if (word.literal === undefined || match[2] === '+=') {
    variables.indirect.add(name);
    return;
  }
  const values = variables.values.get(name) ?? [];
  values.push(match[3]!);
  variables.values.set(name, values);
  if (GLOB.test(match[3]!)) variables.computed.add(name);
  recordSetting(variables, name, { at: node.startIndex, ...(GLOB.test(match[3]!) ? {} : { value: match[3]! }) });
}

/** Builtin options that take a value, per builtin; the value of `-a` (read) and `-v` (printf) is a variable's name. */
const VALUE_FLAGS: Readonly<Record<string, string>> = { read: 'adinNptu', printf: 'v', mapfile: 'dnOsuCc', readarray: 'dnOsuCc', wait: 'p', getopts: '' };
const NAME_FLAGS: Readonly<Record<string, string>> = { read: 'a', printf: 'v', wait: 'p' };

/**
 * The variables a builtin sets by name (`read -r GIT_EXTERNAL_DIFF`, `printf -v PATH …`, `getopts p PATH`,
 * `mapfile -t PATH`): each gets a value known only at run time.
 */
function builtinTargets(name: string, args: readonly ShellWord[]): (string | undefined)[] {
  const valueFlags = VALUE_FLAGS[name];
  if (valueFlags === undefined) return [];
  const targets: (string | undefined)[] = [];
  const operands: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    // `-v"$N"`: an option with its value joined, the value known at run time.
    const text = args[i]!.literal ?? (args[i]!.text.startsWith('-') ? spelledName(args[i]!) : undefined);
    if (text === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (text === undefined || !text.startsWith('-') || text === '-') {
      operands.push(args[i]!);
      continue;
    }
    for (let at = 1; at < text.length; at++) {
      if (!valueFlags.includes(text[at]!)) continue;
      const next = at + 1 < text.length ? undefined : args[++i];
      const value = at + 1 < text.length ? text.slice(at + 1) : next && spelledName(next);
      if (NAME_FLAGS[name]?.includes(text[at]!)) targets.push(value);
      break;
    }
  }
  const names = operands.map(spelledName);
  if (name === 'read') targets.push(...names);
  else if (name === 'getopts') targets.push(names[1] ?? 'OPTARG');
  else if (name === 'mapfile' || name === 'readarray') targets.push(names[0] ?? 'MAPFILE');
  return targets;
}

/** An array's element as a builtin names it (`a[$i]`): the array and the subscript. */
const ELEMENT = /^([A-Za-z_][A-Za-z0-9_]*)(\[[\s\S]*\])$/;

/** A word naming a variable, as far as ksa can read it: `"a[$i]"` names an element of a at a run-time subscript. */
function spelledName(word: ShellWord): string {
  return word.literal ?? word.text.replace(/["']/g, '');
}

/**
 * A variable a builtin is given by name (`unset 'a[$X]'`, `read "a[$i]"`, `printf -v "$x"`, `test -v "$name"`,
 * `declare 'a[$X]=1'`): bash evaluates an indexed array's subscript as arithmetic (as where the line writes
 * `a[$X]=1`), expands an associative array's key once more, and reads a name known only at run time as one, so
 * `a[$(rm -rf ~)]` in it runs. `keyword`: `[[ -v m[$k] ]]`, which does not expand a key again.
 */
export function recordNamedVariable(variables: LineVariables, name: string, at: number, keyword = false): void {
  if (NAME.test(name)) return;
  const element = ELEMENT.exec(name);
  if (element !== null && !variables.associative.has(element[1]!)) return recordArithmetic(variables, element[2]!, at);
  if (element !== null && keyword) return;
  const expansions = (element?.[2] ?? name).match(EXPANSIONS);
  if (expansions !== null) variables.arithmetic.push({ at, text: expansions.join(','), reads: element !== null ? 'keys' : 'names' });
}

/** The expansions in a word's text: what may give it text read at run time. */
const EXPANSIONS = /\$\{[^}]*\}?|\$\([^)]*\)?|`[^`]*`?|\$[A-Za-z_][A-Za-z0-9_]*|\$[0-9@*#?$!-]/g;

/** A simple command that is a builtin setting variables it names as words (`read x`, `command eval …`). */
export function recordCommand(variables: LineVariables, words: readonly ShellWord[], at: number): void {
  const program = words.find((word, i) => !(BUILTIN_PREFIXES.has(word.literal ?? '') || (i > 0 && word.literal?.startsWith('-'))));
  const name = program?.literal;
  const operands = words.slice(words.indexOf(program!) + 1);
  if (name === 'let') {
    // Each word is arithmetic, `let "$expr"` the text its expansions give.
    for (const word of operands) recordArithmetic(variables, word.literal ?? word.text.replace(/["']/g, ''), at);
    return;
  }
  // `coproc DRY { …; }` sets DRY (and DRY_PID) to what the coprocess gets at run time.
  const coprocess = name === 'coproc' ? operands[0]?.literal : undefined;
  if (coprocess !== undefined && NAME.test(coprocess)) {
    variables.computed.add(coprocess).add(`${coprocess}_PID`);
    variables.textAtRunTime.add(coprocess);
  }
  // `test -v 'a[$X]'` evaluates the subscript; `[ -v … ]` is a test_command (recordSyntax).
  if (name === 'test') operands.forEach((word, i) => word.literal === '-v' && operands[i + 1] && recordNamedVariable(variables, spelledName(operands[i + 1]!), at));
  if (name === undefined || !SETTING_BUILTINS.has(name)) return;
  const flags = words.slice(words.indexOf(program!) + 1).map(spelledName);
  // printf sets a variable only with -v, wait only with -p; the others always may.
  if (name === 'printf' && !flags.some((flag) => flag.startsWith('-v'))) return;
  if (name === 'wait' && !flags.some((flag) => /^-[a-z]*p/.test(flag))) return;
  variables.hiddenAt.push(at);
  for (const target of builtinTargets(name, words.slice(words.indexOf(program!) + 1))) {
    // `read r` into a reference with no target yet: the name r refers to is read at run time.
    if (target !== undefined && variables.references.get(target)?.name === '') variables.arithmetic.push({ at, text: '$(read)', reads: 'names' });
    if (target !== undefined && NAME.test(target)) {
      variables.indirect.add(target);
      variables.assigned.push({ name: target, at, text: target });
    } else if (target !== undefined && ELEMENT.test(target)) {
      // `read "a[$i]"` sets an element of a: its subscript is arithmetic, and a gets a value known at run time.
      recordNamedVariable(variables, target, at);
      variables.indirect.add(ELEMENT.exec(target)![1]!);
    } else {
      if (target !== undefined) recordNamedVariable(variables, target, at);
      variables.namedAtRunTime = true;
    }
  }
}
