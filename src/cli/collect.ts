/** Commander option parser for repeatable flags: `--input a=1 --input b=2` → both. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
