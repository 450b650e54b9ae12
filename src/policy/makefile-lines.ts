/**
 * A Makefile's lines as make reads them: recipe lines (run by the shell) and the lines make itself reads
 * (assignments, rules, directives), so its variables are read only from the lines that may set them.
 */

/** `recipes`: the shell lines of the recipes, each joined across `\` continuations; `settings`: the lines make reads, with their `\` line breaks. */
export interface MakefileLines {
  readonly recipes: readonly string[];
  readonly settings: readonly string[];
}

/**
 * The recipe lines (a tab, or the `.RECIPEPREFIX` character, after a rule; the text after a rule's `;`), without
 * make's `@`, `-` and `+` prefixes, and the other lines.
 * A tab line that follows no rule is one make reads (`\tCC = rm` before any target assigns CC): it is kept
 * with both, since a recipe that does not run rates no lower than one that does.
 */
export function makefileLines(content: string): MakefileLines {
  const recipes: string[] = [];
  const settings: string[] = [];
  let inRule = false;
  // `.RECIPEPREFIX = >` makes `>` start the recipe lines after it; a tab line is still read as one, which rates no lower.
  let prefix = '\t';
  const lines = content.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let raw = lines[i]!;
    // `a \` continues on the next line, for recipes and make's own lines alike; make's keep the break, which its readers join where they can.
    while (raw.endsWith('\\') && i + 1 < lines.length) raw = `${raw}\n${lines[++i]!}`;
    const line = raw.replace(/\\\n\s*/g, ' ');
    if (line.startsWith('\t') || line.startsWith(prefix)) {
      recipes.push(recipeText(line.slice(1)));
      if (!inRule) settings.push(raw);
      continue;
    }
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    settings.push(raw);
    prefix = LITERAL_PREFIX.exec(raw)?.[1] ?? prefix;
    inRule = isRule(line);
    const sameLine = inRule ? sameLineRecipe(line) : undefined;
    if (sameLine !== undefined) recipes.push(recipeText(sameLine));
  }
  return { recipes, settings };
}

/** `.RECIPEPREFIX = >`: a literal one-character prefix, as a whole line of its own. */
export const LITERAL_PREFIX = /^\.RECIPEPREFIX\s*:{0,3}=\s*([^\s\\#$])\s*$/;

/** A recipe line without make's `@`, `-` and `+` prefixes. */
function recipeText(line: string): string {
  return line.replace(/^[@+\-\s]*/, '');
}

/**
 * The recipe a rule holds on its own line (`clean: ; rm -rf build`): the text after the first `;` outside `$(…)`
 * and before any comment. A target's variable (`app: X = a; b`) reads as one too, which rates no lower.
 */
export function sameLineRecipe(line: string): string | undefined {
  let depth = 0;
  for (let i = separatorAt(line) ?? line.length; i < line.length; i++) {
    const char = line[i]!;
    if (char === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) {
      depth++;
      i++;
    } else if (depth > 0 && (char === ')' || char === '}')) depth--;
    else if (depth === 0 && char === '#' && line[i - 1] !== '\\') return undefined;
    else if (depth === 0 && char === ';') return line.slice(i + 1);
  }
  return undefined;
}

/** Whether make's line is a rule (`app: main.c`, `app:: x`, `app: CC = x`), not an assignment (`X := y`) or a directive. */
export function isRule(line: string): boolean {
  return separatorAt(line) !== undefined;
}

/**
 * Where a rule's `:` (or `::`, `&:`) is, outside `$(…)` (`$(OBJ:.o=.c)`), before any assignment (`X := a:b`);
 * undefined for a line that is no rule.
 */
export function separatorAt(line: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (char === '$' && (line[i + 1] === '(' || line[i + 1] === '{')) {
      depth++;
      i++;
    } else if (depth > 0 && (char === ')' || char === '}')) depth--;
    else if (depth === 0 && char === '#') return undefined;
    else if (depth === 0 && char === '=') return undefined;
    else if (depth === 0 && char === ':') return /^:{1,3}=/.test(line.slice(i)) ? undefined : i;
  }
  return undefined;
}
