import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { fastWidth, ONE_COLUMN } from '../../src/tui/fast-width.js';

// The bundle answers string-width calls with fastWidth when it can (scripts/bundle.mjs): it must agree with string-width.

const ranges = [...ONE_COLUMN.source.matchAll(/\\u([0-9A-F]{4})(?:-\\u([0-9A-F]{4}))?/g)].map((match) => [parseInt(match[1]!, 16), parseInt(match[2] ?? match[1]!, 16)] as const);
const characters = ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i)));

describe('fastWidth', () => {
  it('covers the ranges it claims', () => {
    expect(ranges.length).toBeGreaterThan(10);
    expect(characters).toContain('·');
    expect(characters).toContain('╭');
  });

  it('every character of its set is one column wide and its own grapheme, as string-width counts it', () => {
    const segmenter = new Intl.Segmenter();
    for (const character of characters) {
      expect(stringWidth(character), `U+${character.codePointAt(0)!.toString(16)}`).toBe(1);
      expect([...segmenter.segment(`a${character}${character}b`)], `U+${character.codePointAt(0)!.toString(16)}`).toHaveLength(4);
      expect(fastWidth(character)).toBe(1);
    }
  });

  it('agrees with string-width on mixed text with colour codes, and leaves the rest to it', () => {
    let seed = 7;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: next(40) }, () => (next(5) === 0 ? `\u001b[${next(100)}m` : next(3) === 0 ? characters[next(characters.length)]! : String.fromCharCode(32 + next(95)))).join('');
      expect(fastWidth(text), JSON.stringify(text)).toBe(stringWidth(text));
    }
    for (const text of ['日本', '🚀 go', 'e\u0301', '\u001b]8;;x\u0007link', 'a\u200bb', '\u00ad']) expect(fastWidth(text), text).toBeUndefined();
    expect(fastWidth('·', { ambiguousIsNarrow: false })).toBeUndefined();
    expect(fastWidth(42)).toBeUndefined();
  });
});
