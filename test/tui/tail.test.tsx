import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { Tail } from '../../src/tui/Tail.js';

const lines = (count: number) => Array.from({ length: count }, (_, i) => <Text key={i}>line {i}</Text>);

/** Ink lays out, then the metrics hook draws again: wait for the frame that has the expected rows. */
async function frameWith(frame: () => string | undefined, rows: number): Promise<string[]> {
  await vi.waitFor(() => expect(frame()?.split('\n')).toHaveLength(rows));
  return frame()!.split('\n');
}

describe('Tail', () => {
  it('shows everything that fits, with no marker', async () => {
    const { lastFrame, unmount } = render(<Tail maxRows={5} color={false}>{lines(3)}</Tail>);
    expect(await frameWith(lastFrame, 3)).toEqual(['line 0', 'line 1', 'line 2']);
    unmount();
  });

  it('keeps the last rows of what does not fit, and says how many are hidden above', async () => {
    const { lastFrame, unmount } = render(<Tail maxRows={5} color={false} hiddenNote="(all of it once done)">{lines(12)}</Tail>);
    await vi.waitFor(() => expect(lastFrame()).toContain('↑'));
    expect(await frameWith(lastFrame, 5)).toEqual(['↑ 8 more lines above (all of it once done)', 'line 8', 'line 9', 'line 10', 'line 11']);
    unmount();
  });

  it('counts wrapped lines as the rows they take', async () => {
    const long = 'word '.repeat(60).trim(); // 299 columns: 3 rows at ink-testing-library's 100
    const { lastFrame, unmount } = render(
      <Tail maxRows={3} color={false}>
        <Text>first</Text>
        <Text>{long}</Text>
      </Tail>,
    );
    await vi.waitFor(() => expect(lastFrame()).toContain('↑'));
    const frame = await frameWith(lastFrame, 3);
    expect(frame[0]).toBe('↑ 2 more lines above');
    unmount();
  });

  it('without a limit it is its children', async () => {
    const { lastFrame, unmount } = render(<Tail maxRows={undefined} color={false}>{lines(30)}</Tail>);
    expect(await frameWith(lastFrame, 30)).toHaveLength(30);
    unmount();
  });
});
