import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { HistoryItem, SessionSnapshot } from '../../src/agent/index.js';
import { createBuiltinRegistry } from '../../src/tools/index.js';
import { Header } from '../../src/tui/Header.js';
import { HistoryItemView } from '../../src/tui/HistoryItemView.js';
import { StatusLine } from '../../src/tui/StatusLine.js';
import { describer } from '../../src/tui/tool-describer.js';

// The finished entries of the transcript, the header and the status line.

const tools = describer(createBuiltinRegistry());

function draw(element: React.ReactElement): string {
  const app = render(element);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}
const item = (value: HistoryItem) => draw(<HistoryItemView item={value} tools={tools} color={false} />);

describe('history entries', () => {
  it('the user’s message after a › prompt, the assistant’s as Markdown', () => {
    expect(item({ kind: 'user', id: 'h1', text: 'deploy ./shop' })).toContain('› deploy ./shop');
    expect(item({ kind: 'assistant', id: 'h2', text: 'Steps:\n\n1. build\n2. `kubectl apply`' })).toContain('2. `kubectl apply`');
  });

  it('a user message longer than the line wraps under its text, never wider than the terminal (ink-testing-library: 100 columns)', () => {
    // The first line is the margin above the message.
    const lines = item({ kind: 'user', id: 'h9', text: 'word '.repeat(40).trim() }).split('\n').slice(1);
    expect(lines[0]).toMatch(/^› word word/);
    expect(lines.length).toBe(3);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}word/);
    const token = item({ kind: 'user', id: 'h10', text: 'x'.repeat(200) }).split('\n').slice(1);
    expect(token.map((line) => line.length)).toEqual([100, 100, 6]);
  });

  it('a tool result as one dim line', () => {
    expect(item({ kind: 'tool', id: 'h3', tool: 'get_run_status', summary: 'run r1: succeeded', isError: false })).toBe('  · get_run_status: run r1: succeeded');
  });

  it('notices: errors marked ✗, warnings !, info plain', () => {
    expect(item({ kind: 'notice', id: 'h4', text: 'model unreachable', tone: 'error' })).toBe('✗ model unreachable');
    expect(item({ kind: 'notice', id: 'h5', text: 'careful', tone: 'warning' })).toBe('! careful');
    expect(item({ kind: 'notice', id: 'h6', text: 'Interrupted.', tone: 'info' })).toBe('Interrupted.');
  });

  it('a finished run collapses to one summary line (plus the error when it failed)', () => {
    expect(item({ kind: 'run', id: 'h7', runId: 'r1', status: 'succeeded', lines: ['4 succeeded'] })).toBe('✓ Run r1 succeeded · 4 succeeded');
    const failed = item({ kind: 'run', id: 'h8', runId: 'r2', status: 'rollback_failed', lines: ['1 succeeded, 1 failed', 'step build failed: exit code 2'] });
    expect(failed.split('\n')).toEqual(['✗ Run r2 rollback failed · 1 succeeded, 1 failed', '  step build failed: exit code 2']);
    expect(item({ kind: 'run', id: 'h9', runId: 'r3', status: 'cancelled', lines: [] })).toBe('⊘ Run r3 cancelled');
  });

  it('a reflection card: success mark, summary, issues and suggestions', () => {
    const card = item({
      kind: 'reflection',
      id: 'h10',
      runId: 'r2',
      fallback: false,
      reflection: { success: false, summary: 'The build failed on a type error.', issues: ['src/a.ts:3 TS2322'], suggestions: ['fix the type, then retry just build'] },
    });
    expect(card).toContain('✗ Reflection on run r2');
    expect(card).toContain('The build failed on a type error.');
    expect(card).toMatch(/Issues:\s*│\n│ {3}• src\/a\.ts:3 TS2322/);
    expect(card).toMatch(/Next:\s*│\n│ {3}→ fix the type, then retry just build/);
  });

  it('a reflection made from the run record, not by the model, says so', () => {
    const card = item({ kind: 'reflection', id: 'h11', runId: 'r3', fallback: true, reflection: { success: true, summary: '2 steps succeeded.', issues: [], suggestions: [] } });
    expect(card).toContain('✓ Reflection on run r3 (from the run record, not the model)');
    expect(card).not.toContain('Issues:');
    expect(card).not.toContain('Next:');
  });
});

describe('Header', () => {
  const info = { model: 'qwen2.5-coder', endpoint: 'http://localhost:11434/v1', workspace: '/home/me/shop', sessionId: '20261125-abcdef', resumed: false };

  it('model, endpoint, workspace and session; the kube context when known', () => {
    const frame = draw(<Header info={{ ...info, kubeContext: 'kind-dev' }} color={false} />);
    expect(frame).toContain('model qwen2.5-coder at http://localhost:11434/v1');
    expect(frame).toContain('workspace /home/me/shop · kube context kind-dev');
    expect(frame).toContain('session 20261125-abcdef · /help for keys and commands · Ctrl-C twice quits');
  });

  it('no kube context line part when none is known; "(continued)" for a reopened session', () => {
    const frame = draw(<Header info={{ ...info, resumed: true }} color={false} />);
    expect(frame).not.toContain('kube context');
    expect(frame).toContain('session 20261125-abcdef (continued)');
  });
});

describe('StatusLine', () => {
  const snapshot = (extra: Partial<SessionSnapshot>): SessionSnapshot => ({ phase: 'idle', history: [], streaming: '', tokens: 0, sessionId: 's1', chatMode: { tools: true, source: 'default' }, showThinking: false, ...extra });

  it.each([
    ['idle', 'ready'],
    ['thinking', 'answering'],
    ['awaiting_approval', 'plan waiting for approval'],
    ['editing', 'editing the plan'],
    ['running', 'running'],
    ['confirm_cancel', 'confirm cancel'],
  ] as const)('phase %s reads "%s"', (phase, text) => {
    expect(draw(<StatusLine snapshot={snapshot({ phase })} model="m" color={false} />)).toBe(`session s1 · ${text} · 0 tokens · m`);
  });

  it('the run and its state, and the tokens used with separators', () => {
    const runView = { status: 'running' } as SessionSnapshot['runView'];
    expect(draw(<StatusLine snapshot={snapshot({ phase: 'running', runId: 'r9', runView, tokens: 12345 })} model="m" color={false} />)).toBe('session s1 · running · run r9 running · 12,345 tokens · m');
  });
});
