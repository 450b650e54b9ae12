/**
 * Whether the lines that start a Makefile's recipes are known: a tab, or the one character a single literal
 * `.RECIPEPREFIX = >` of the Makefile sets. Another prefix would make recipes of lines read as make's own.
 */
import { ANY_SETTING } from './make-variables.js';
import { isRule, LITERAL_PREFIX } from './makefile-lines.js';

/** Lines make reads that are no rule and no assignment: directives, and a line that only expands (`$(info x)`). */
const DIRECTIVE = /^\s*(?:-?include|sinclude|ifn?eq|ifn?def|else|endif|define|endef|export|unexport|override|private|vpath|undefine|-?load)\b|^\s*\$[({]/;
/** `X = y`, `X ?= y`, `override X := y`, `$(N) = y`: an assignment, by any name. */
const ASSIGNMENT = /^\s*(?:(?:override|export|private|unexport)\s+)*[^\s=#]+\s*(?::{1,3}|[+?!])?=/;

/**
 * Whether `makefileLines` reads the recipes as make does. Not when `.RECIPEPREFIX` is set in any other way than once,
 * literally, outside any condition (computed, twice, `define`d, from the command line or the environment), nor when
 * it may be set where the Makefile does not show it (an include, `$(eval …)`, a name computed at run time, the line)
 * and a line make reads is neither a rule, an assignment nor a directive: one another prefix makes a recipe
 * (`> rm -rf build`). `settings`: the lines make reads; `computedNames`: whether one assigns a name made at run time.
 */
export function recipePrefixKnown(content: string, settings: readonly string[], computedNames: boolean, setOutside: (name: string) => boolean): boolean {
  const mentions = content.match(/RECIPEPREFIX/g)?.length ?? 0;
  if (mentions > 0) {
    const literal = settings.filter((line) => LITERAL_PREFIX.test(line)).length;
    return mentions === 1 && literal === 1 && !ANY_SETTING.test(content) && !/\bdefine\b/.test(content) && !computedNames && !setOutside('.RECIPEPREFIX');
  }
  if (!ANY_SETTING.test(content) && !computedNames && !setOutside('.RECIPEPREFIX')) return true;
  let inDefine = false;
  for (const raw of settings) {
    const line = raw.replace(/\\\n\s*/g, ' ');
    // A `define`'s lines are its value's, not make's.
    if (inDefine) inDefine = !/^\s*endef\b/.test(line);
    else if (/^\s*(?:(?:override|export|private)\s+)*define\b/.test(line)) inDefine = true;
    else if (!isRule(line) && !ASSIGNMENT.test(line) && !DIRECTIVE.test(line)) return false;
  }
  return true;
}
