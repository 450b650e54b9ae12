import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { InputLine } from '../../src/tui/InputLine.js';
import { SLASH_COMMANDS } from '../../src/tui/slash-commands.js';

// The input line: typing and Enter, history on Up/Down, Tab completion of
// slash commands with suggestions, and paste. Approval keys are plain text
// here: they act when sent with Enter (the app decides what they mean).

const KEYS = { enter: '\r', up: '\u001b[A', down: '\u001b[B', tab: '\t', backspace: '\u007f' };
const tick = (ms = 15) => new Promise((resolve) => setTimeout(resolve, ms));

function setup() {
  const submitted: string[] = [];
  const app = render(<InputLine prompt="›" placeholder="say what to deploy" active commands={SLASH_COMMANDS} color={false} onSubmit={(text) => submitted.push(text)} />);
  const write = async (data: string) => {
    app.stdin.write(data);
    await tick(data.startsWith('\u001b') ? 60 : 15);
  };
  return {
    submitted,
    /** The input line (the first line of the frame). */
    line: () => (app.lastFrame() ?? '').split('\n')[0]!,
    frame: () => app.lastFrame() ?? '',
    write,
    async keys(text: string) {
      for (const char of text) await write(char);
    },
    unmount: () => app.unmount(),
  };
}

describe('InputLine', () => {
  it('shows the prompt and placeholder; typed keys appear; Enter submits and clears', async () => {
    const input = setup();
    expect(input.line()).toBe('› say what to deploy');
    await input.keys('deploy ./shop');
    expect(input.line()).toBe('› deploy ./shop');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['deploy ./shop']);
    expect(input.line()).toBe('› say what to deploy');
    input.unmount();
  });

  it('text and Enter delivered in one read submit the text; what follows the Enter stays on the line', async () => {
    const input = setup();
    await input.write('e\r');
    expect(input.submitted).toEqual(['e']);
    expect(input.line()).toBe('› say what to deploy');
    await input.write('y\rskip the tests');
    expect(input.submitted).toEqual(['e', 'y']);
    expect(input.line()).toBe('› skip the tests');
    input.unmount();
  });

  it('several keys in one read each count: three Backspaces delete three characters, two Lefts move two places', async () => {
    const input = setup();
    await input.write('abcdef');
    await input.write(KEYS.backspace.repeat(3));
    expect(input.line()).toBe('› abc');
    await input.write('\u001b[D\u001b[D');
    await input.write('X');
    expect(input.line()).toBe('› aXbc');
    await input.write(`${KEYS.backspace}${KEYS.backspace}`);
    expect(input.line()).toBe('› bc');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['bc']);
    input.unmount();
  });

  it('Backspace edits', async () => {
    const input = setup();
    await input.keys('helo');
    await input.write(KEYS.backspace);
    await input.keys('lo');
    expect(input.line()).toBe('› hello');
    input.unmount();
  });

  it('Up recalls earlier inputs, newest first; Down walks back to an empty line', async () => {
    const input = setup();
    for (const text of ['first goal', 'second goal']) {
      await input.keys(text);
      await input.write(KEYS.enter);
    }
    await input.write(KEYS.up);
    expect(input.line()).toBe('› second goal');
    await input.write(KEYS.up);
    expect(input.line()).toBe('› first goal');
    await input.write(KEYS.up);
    expect(input.line()).toBe('› first goal');
    await input.write(KEYS.down);
    expect(input.line()).toBe('› second goal');
    await input.write(KEYS.down);
    expect(input.line()).toBe('› say what to deploy');
    input.unmount();
  });

  it('two Ups (or Downs) delivered in one read move two entries, one per press', async () => {
    const input = setup();
    for (const text of ['alpha msg', 'beta msg', 'gamma msg']) {
      await input.keys(text);
      await input.write(KEYS.enter);
    }
    await input.write(KEYS.up.repeat(2));
    expect(input.line()).toBe('› beta msg');
    await input.write(KEYS.up);
    expect(input.line()).toBe('› alpha msg');
    await input.write(KEYS.down.repeat(2));
    expect(input.line()).toBe('› gamma msg');
    await input.write(KEYS.up.repeat(3));
    expect(input.line()).toBe('› alpha msg');
    await input.write(KEYS.down.repeat(3));
    expect(input.line()).toBe('› say what to deploy');
    input.unmount();
  });

  it('Down past the newest input brings back the line that was being typed, as readline does', async () => {
    const input = setup();
    await input.keys('/runs');
    await input.write(KEYS.enter);
    await input.keys('kubectl rollout status and then');
    await input.write(KEYS.up);
    expect(input.line()).toBe('› /runs');
    await input.write(KEYS.down);
    expect(input.line()).toBe('› kubectl rollout status and then');
    await input.keys(' more');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['/runs', 'kubectl rollout status and then more']);
    // Once sent, the typed line is not brought back again: Down past the newest leaves an empty line.
    await input.write(KEYS.up);
    await input.write(KEYS.down);
    expect(input.line()).toBe('› say what to deploy');
    input.unmount();
  });

  it('a recalled input can be edited at its end and sent again', async () => {
    const input = setup();
    await input.keys('deploy on 8080');
    await input.write(KEYS.enter);
    await input.write(KEYS.up);
    await input.keys(' now');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['deploy on 8080', 'deploy on 8080 now']);
    input.unmount();
  });

  it('the same input twice in a row is kept once in the history', async () => {
    const input = setup();
    for (const text of ['status?', 'status?']) {
      await input.keys(text);
      await input.write(KEYS.enter);
    }
    await input.write(KEYS.up);
    await input.write(KEYS.up);
    expect(input.line()).toBe('› status?');
    await input.write(KEYS.down);
    expect(input.line()).toBe('› say what to deploy');
    input.unmount();
  });

  it('"/" lists the slash commands; typing narrows them; Tab completes the first', async () => {
    const input = setup();
    await input.keys('/');
    for (const name of ['help', 'plans', 'runs', 'status', 'pause', 'resume', 'new', 'sessions', 'model', 'clear', 'quit'].slice(0, 8)) expect(input.frame()).toContain(`/${name}`);
    await input.keys('s');
    const suggestions = input.frame().split('\n').slice(1);
    expect(suggestions.map((line) => line.trim().split(' ')[0])).toEqual(['/status', '/sessions']);
    expect(suggestions[0]).toContain('(Tab)');
    await input.write(KEYS.tab);
    expect(input.line()).toBe('› /status');
    expect(input.frame().split('\n')).toHaveLength(1);
    await input.keys('run-1');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['/status run-1']);
    input.unmount();
  });

  it('y, n and e are typed like any text and submitted with Enter', async () => {
    const input = setup();
    await input.keys('y');
    expect(input.line()).toBe('› y');
    await input.write(KEYS.enter);
    expect(input.submitted).toEqual(['y']);
    await input.keys('no tests please');
    expect(input.line()).toBe('› no tests please');
    input.unmount();
  });

  it('a paste is text, even when it starts with an approval key', async () => {
    const input = setup();
    await input.write('no tests please');
    expect(input.submitted).toEqual([]);
    expect(input.line()).toBe('› no tests please');
    input.unmount();
  });

  it('a multi-line paste keeps its lines apart', async () => {
    const input = setup();
    // A terminal in bracketed-paste mode (Ink turns it on) wraps what is pasted.
    await input.write('\u001b[200~deploy ./shop\ron port 9090\u001b[201~');
    expect(input.line()).toMatch(/› deploy \.\/shop\s+on port 9090/);
    input.unmount();
  });
});
