import { describe, expect, it } from 'vitest';
import { plainText, visible } from '../../src/tui/visible-text.js';

describe('visible', () => {
  it('shows control characters as escapes, so text cannot erase or rewrite what is printed before it', () => {
    expect(visible('rm -rf ./x \u001b[2K\recho harmless')).toBe('rm -rf ./x \\e[2K\\recho harmless');
    expect(visible('bell\u0007 del\u007f c1\u009b nul\u0000 bs\b')).toBe('bell\\x07 del\\x7f c1\\x9b nul\\0 bs\\b');
  });

  it('keeps newlines, tabs and every printable character, unicode included', () => {
    const text = 'npm ci\n\tnpm test · 日本語 🚀 "quoted" $HOME';
    expect(visible(text)).toBe(text);
  });

  it('shows bidi overrides and zero-width characters, so a command cannot be shown reordered or two commands alike', () => {
    expect(visible('echo ok \u202etxt.exe\u202c; echo zw\u200bx')).toBe('echo ok \\u202etxt.exe\\u202c; echo zw\\u200bx');
    expect(visible('\ufeffdeploy \u2066a\u2069 \u200fb')).toBe('\\ufeffdeploy \\u2066a\\u2069 \\u200fb');
    expect(visible('a\u200db')).toBe('a\\u200db');
  });

  it('keeps the zero-width joiner inside emoji sequences', () => {
    const text = 'team 👨‍👩‍👧 dev 👩🏽‍💻 flag 🏳️‍🌈';
    expect(visible(text)).toBe(text);
  });
});

describe('plainText', () => {
  it("drops a tool's colours and cursor moves, and shows what is left", () => {
    expect(plainText('\u001b[32m✓ passed\u001b[39m 12 tests')).toBe('✓ passed 12 tests');
    expect(plainText('\u001b]0;PWNED\u0007title')).toBe('title');
    expect(plainText('progress 50%\rprogress 100%')).toBe('progress 50%\\rprogress 100%');
  });
});
