/**
 * Whether a number written with a leading zero (`017`, `-09`) means another thing to YAML 1.1 tools (the yaml libraries
 * of kubectl's era) than to ksa, which reads YAML 1.2: they read `017` as octal 15 and `09` (no octal digits) as text.
 * Where both read the same it is only a spelling: `03` is 3 as octal too, `00.5` is 0.5 to both.
 */
export function leadingZeroMisreads(written: string): boolean {
  const digits = /^[-+]?0(\d+)$/.exec(written)?.[1];
  if (digits === undefined) return false;
  return !/^[0-7]+$/.test(digits) || Number.parseInt(digits, 8) !== Number.parseInt(digits, 10);
}

/** How ksa and YAML 1.1 tools read a whole number with a leading zero. */
export function leadingZeroReading(written: string, value: number): string {
  const digits = /^[-+]?(\d+)$/.exec(written)?.[1];
  if (digits === undefined) return `which ksa reads as ${decimalOf(value)}`;
  const octal = /^[0-7]+$/.test(digits) ? Number.parseInt(digits, 8) * (written.startsWith('-') ? -1 : 1) : undefined;
  return `which ksa reads as ${decimalOf(value)} and YAML 1.1 tools as ${octal === undefined ? 'text' : `octal ${decimalOf(octal)}`}`;
}

/** `-0` stays `-0`: String(-0) is "0". */
export function decimalOf(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
