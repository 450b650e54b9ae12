/** `--name=value` as its name and the value written after `=` (absent when none is). */
export function splitLongOption(arg: string): { readonly name: string; readonly value?: string } {
  const equals = arg.indexOf('=');
  return equals === -1 ? { name: arg } : { name: arg.slice(0, equals), value: arg.slice(equals + 1) };
}
