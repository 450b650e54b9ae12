/** unzip's short options that take a value: the rest of their group, or the next word (`-d dir`, `-ddir`, `-qod dir`). */
const VALUE_FLAGS = 'dP';

/**
 * What unzip reads and where it writes: the archive (its first operand) and the folder of `-d`, read the way
 * unzip reads its options: in groups of any order (`-oq`, `-qo`, `-oqq`), before or after the archive, and
 * `-x` followed by names left out, which are no operands.
 */
export function unzipExtraction(args: readonly (string | undefined)[]): { archive?: string; folder?: string } {
  let archive: string | undefined;
  let folder: string | undefined;
  let operands = 0;
  let excluding = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg !== undefined && arg.startsWith('-') && arg.length > 1) {
      excluding = false;
      for (let at = 1; at < arg.length; at++) {
        const letter = arg[at]!;
        if (letter === 'x') excluding = true;
        if (!VALUE_FLAGS.includes(letter)) continue;
        const value = at + 1 < arg.length ? arg.slice(at + 1) : args[++i];
        if (letter === 'd') folder = value;
        break;
      }
      continue;
    }
    if (excluding) continue;
    // A word known only at run time before the archive may be it: the archive is then not known.
    if (operands++ === 0) {
      if (arg === undefined) return {};
      archive = arg;
    }
  }
  return { archive, folder };
}
