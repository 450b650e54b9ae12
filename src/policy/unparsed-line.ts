import { destroyProgramReason, programName } from './program-name.js';
import { destroyRisk, writeRisk, type StepRisk } from './risk-level.js';

/**
 * A line tree-sitter cannot parse may still be one bash runs (`{rm,-rf,x}` expands to `rm -rf x`):
 * a word in it that names a program that destroys makes it a destroy step.
 */
export function unparsedRisk(source: string): StepRisk {
  const named = source.split(/[^A-Za-z0-9_./-]+/).find((word) => word !== '' && destroyProgramReason(programName(word)) !== undefined);
  // `{r,}m -rf data` runs `rm m -rf data`: the braces make the names, so any program may be named.
  if (named === undefined && /(?<!\\)\{[^\s{}'"]*,[^\s{}'"]*\}/.test(source)) return destroyRisk('the command line does not parse as bash, and a brace expansion in it may name any program');
  return named === undefined ? writeRisk('the command line does not parse as bash') : destroyRisk(`the command line does not parse as bash, and it names ${programName(named)}`);
}
