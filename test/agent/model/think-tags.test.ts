import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitThinkTags, ThinkTagSplitter, type TextSegment } from '../../../src/agent/index.js';

// Reasoning in <think>/<thinking> tags is never part of the answer, however the text is cut into chunks.

function streamed(chunks: readonly string[]): { text: string; reasoning: string } {
  const splitter = new ThinkTagSplitter();
  const segments: TextSegment[] = [...chunks.flatMap((chunk) => splitter.push(chunk)), ...splitter.end()];
  return {
    text: segments.filter((segment) => segment.kind === 'text').map((segment) => segment.text).join(''),
    reasoning: segments.filter((segment) => segment.kind === 'reasoning').map((segment) => segment.text).join(''),
  };
}

describe('splitThinkTags', () => {
  it.each([
    ['<think>\nplan {"a": 1}\n</think>\n\n{"goal":"x"}', '{"goal":"x"}', '\nplan {"a": 1}\n'],
    ['<thinking>hmm { </thinking>answer', 'answer', 'hmm { '],
    ['before <think>mid</think> after', 'before after', 'mid'],
    ['<think>cut off while thinking {"goal"', '', 'cut off while thinking {"goal"'],
    ['Okay, the user wants {x}.\n</think>\n\n{"goal":"y"}', '{"goal":"y"}', 'Okay, the user wants {x}.'],
    ['no reasoning at all {"a": "<thin"}', 'no reasoning at all {"a": "<thin"}', undefined],
  ])('%j', (input, text, reasoning) => {
    expect(splitThinkTags(input)).toEqual(reasoning === undefined ? { text } : { text, reasoning });
  });
});

describe('ThinkTagSplitter', () => {
  const sample = '<think>I will {write} a <b>plan</b></think>\n\n{"goal": "x <think"}';

  it('tags split across chunks at every position give the same answer', () => {
    for (let cut = 0; cut <= sample.length; cut++) {
      expect(streamed([sample.slice(0, cut), sample.slice(cut)])).toEqual({ text: '{"goal": "x <think"}', reasoning: 'I will {write} a <b>plan</b>' });
    }
  });

  it('any chunking of any mix of text and reasoning blocks: the answer is the text outside the tags', () => {
    // No h/i/n/k: pieces never form a tag themselves, but "<t", "</t" are partial tags the splitter must hold back and release.
    const piece = fc.string({ unit: fc.constantFrom('a', '{', '}', '<', '/', 't', '"', ' ') });
    fc.assert(
      fc.property(fc.array(fc.tuple(piece, piece, fc.boolean()), { minLength: 1, maxLength: 4 }), fc.array(fc.nat(200), { maxLength: 6 }), (blocks, cuts) => {
        const full = blocks.map(([text, thought, long]) => `x${text}${long ? '<thinking>' : '<think>'}${thought}${long ? '</thinking>' : '</think>'}`).join('') + 'end';
        const points = [0, ...new Set(cuts.map((cut) => cut % (full.length + 1)))].sort((a, b) => a - b);
        const chunks = points.map((point, index) => full.slice(point, points[index + 1] ?? full.length));
        const result = streamed(chunks);
        expect(result.text).toBe(`${blocks.map(([text]) => `x${text}`).join('')}end`);
        expect(result.reasoning).toBe(blocks.map(([, thought]) => thought).join(''));
      }),
      { seed: 36 },
    );
  });
});
