import { describe, expect, it } from 'vitest';
import { colorEnabled } from '../../src/tui/style.js';

describe('colorEnabled', () => {
  const tty = { isTTY: true };
  it('NO_COLOR and TERM=dumb turn colour off; a terminal has it; a pipe does not', () => {
    expect(colorEnabled(tty, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled(tty, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(tty, { TERM: 'dumb' })).toBe(false);
  });

  it('FORCE_COLOR=0 (or false) turns it off, as chalk reads it for the parts it draws; any other value turns it on, even on a pipe', () => {
    expect(colorEnabled(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorEnabled(tty, { FORCE_COLOR: 'false' })).toBe(false);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorEnabled({ isTTY: false }, { FORCE_COLOR: '' })).toBe(true);
  });
});
