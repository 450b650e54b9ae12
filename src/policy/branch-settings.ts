import { allChildren, namedChildren, type ShellNode } from './shell-syntax.js';

/**
 * The variables a statement surely sets, for possibleValues (which reads every place that may set one, so only the
 * last place it surely is set from matters): an assignment (`X=1`, `X=1 Y=2`, `export X=1`, `local X=1`), `unset X`, `${X:=word}` in a command's words,
 * the first part of a list (`X=1 && …`), a group's statements (`{ X=1; }`), and a branch every way through which sets
 * it: an `if` with an `else` (`if …; then X=1; else X=2; fi`), a `case` with a `*)` item (`case $1 in a) X=1;; *)
 * X=2;; esac`), each branch through its own statements. A subshell, a pipeline, a loop's body and what runs in the
 * background set nothing the statements after them see for sure.
 */
export function surelySet(statement: ShellNode, depth = 0): Set<string> {
  const found = new Set<string>();
  if (depth > 100) return found;
  switch (statement.type) {
    case 'variable_assignment': {
      const name = statement.childForFieldName('name');
      if (name?.type === 'variable_name') found.add(name.text);
      return found;
    }
    case 'variable_assignments':
    case 'declaration_command':
      if (statement.type === 'declaration_command' && !/^(export|readonly|declare|typeset|local)\b/.test(statement.text)) return found;
      for (const child of namedChildren(statement)) if (child.type === 'variable_assignment') for (const name of surelySet(child, depth + 1)) found.add(name);
      return found;
    case 'unset_command':
      // `unset -f f` removes a function, not a variable.
      if (namedChildren(statement).some((child) => /^-[A-Za-z]*f/.test(child.text))) return found;
      for (const child of namedChildren(statement)) if (child.type === 'variable_name') found.add(child.text);
      return found;
    case 'list': {
      const first = namedChildren(statement)[0];
      return first === undefined ? found : surelySet(first, depth + 1);
    }
    case 'compound_statement':
      return statementsSet(allChildren(statement), depth);
    case 'command':
      // `: ${NS:=web}`: a command's words are expanded before it runs, each `${X:=word}` setting X where it is empty.
      for (const name of assignedDefaults(statement, depth)) found.add(name);
      return found;
    case 'if_statement':
      return everyBranch(ifBranches(statement), depth);
    case 'case_statement':
      return everyBranch(caseBranches(statement), depth);
    default:
      return found;
  }
}

/** Code run in another process (`$(…)`, `<(…)`, `( … )`): what it sets is not seen after. */
const ELSEWHERE = new Set(['command_substitution', 'process_substitution', 'subshell']);

/** The variables `${X=word}` or `${X:=word}` in a command's words set, but in code run elsewhere. */
function assignedDefaults(node: ShellNode, depth: number): string[] {
  if (depth > 100 || ELSEWHERE.has(node.type)) return [];
  if (node.type === 'expansion' && allChildren(node).some((child) => !child.isNamed && (child.text === '=' || child.text === ':='))) {
    const name = namedChildren(node).find((child) => child.type === 'variable_name');
    return name === undefined ? [] : [name.text];
  }
  return namedChildren(node).flatMap((child) => assignedDefaults(child, depth + 1));
}

/** What a run of statements surely sets: each one not sent to the background. */
function statementsSet(statements: readonly ShellNode[], depth: number): Set<string> {
  const found = new Set<string>();
  statements.forEach((statement, i) => {
    if (statement.isNamed && statements[i + 1]?.text !== '&') for (const name of surelySet(statement, depth + 1)) found.add(name);
  });
  return found;
}

/** The names each branch sets; none when some way through the statement takes no branch (undefined). */
function everyBranch(branches: readonly (readonly ShellNode[])[] | undefined, depth: number): Set<string> {
  if (branches === undefined || branches.length === 0) return new Set();
  const [first, ...rest] = branches.map((branch) => statementsSet(branch, depth));
  return new Set([...first!].filter((name) => rest.every((set) => set.has(name))));
}

/** The statements of an `if`'s `then` part, of each `elif`'s and of its `else`; undefined without an `else`. */
function ifBranches(statement: ShellNode): ShellNode[][] | undefined {
  const children = allChildren(statement);
  if (!children.some((child) => child.type === 'else_clause')) return undefined;
  const branches: ShellNode[][] = [afterThen(children).filter((child) => child.type !== 'elif_clause' && child.type !== 'else_clause')];
  for (const clause of children) {
    if (clause.type === 'elif_clause') branches.push(afterThen(allChildren(clause)));
    if (clause.type === 'else_clause') branches.push(allChildren(clause).slice(1));
  }
  return branches;
}

function afterThen(children: readonly ShellNode[]): ShellNode[] {
  const then = children.findIndex((child) => !child.isNamed && child.text === 'then');
  return children.slice(then + 1);
}

/** Each `case` item's statements; undefined when no item's pattern is a bare `*` (some word may match none). */
function caseBranches(statement: ShellNode): ShellNode[][] | undefined {
  const items = namedChildren(statement).filter((child) => child.type === 'case_item');
  const catchAll = items.some((item) => {
    const close = allChildren(item).findIndex((child) => !child.isNamed && child.text === ')');
    return allChildren(item)
      .slice(0, close)
      .some((child) => child.isNamed && child.text === '*');
  });
  if (!catchAll) return undefined;
  return items.map((item) => {
    const children = allChildren(item);
    return children.slice(children.findIndex((child) => !child.isNamed && child.text === ')') + 1);
  });
}
