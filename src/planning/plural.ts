/** `1 step`, `2 steps`: the count with its noun, for messages that count things. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
