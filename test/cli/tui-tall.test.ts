import { describe, expect, it } from 'vitest';
import { chatHarnessFor, occurrences } from '../helpers/chat-pty.js';
import { proposal, reflectionReply } from '../helpers/chat-script.js';

// What is taller than the terminal: the live area is redrawn on every change, and a frame taller than the
// terminal cannot be erased, so each redraw would leave a copy of its top in the scrollback. Long answers,
// big plan cards and run panels must each appear once in screen + scrollback, however they are redrawn.

/** A chain of quick steps, so the run panel has one line per step and redraws often. */
function chainPlan(count: number, seconds: number) {
  const steps = Array.from({ length: count }, (_, i) => ({
    id: `s${i}`,
    tool: 'shell',
    args: { command: `echo step-${i}-output; sleep ${seconds}` },
    ...(i > 0 ? { dependsOn: [`s${i - 1}`] } : {}),
  }));
  return { goal: `A chain of ${count} steps`, steps };
}

describe.concurrent('ksa chat with content taller than the terminal', () => {
  it('a streamed answer of 60 lines in 20 rows: each line is in the transcript once, and the live area never outgrows the screen', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 80, rows: 20 });
    const lines = Array.from({ length: 60 }, (_, i) => `Answer line ${String(i).padStart(2, '0')} of a long explanation.`);
    // Slow enough for several frames to be drawn while it streams.
    harness.server.enqueue({ text: lines.join('\n\n'), chunkDelayMs: 15, chunkSize: 40 });
    await chat.send('explain at length');
    // While it streams, the live area shows its tail under a note of what is hidden above.
    const streaming = await chat.waitForScreen(/↑ \d+ more lines above \(the whole answer goes into the transcript when it ends\)/, 20_000);
    expect(streaming).toMatch(/Answer line \d\d/);
    await chat.waitForBottom(/ · ready · /, 2, 20_000);
    const screen = await chat.screen();
    for (const line of lines) expect(occurrences(screen, line), line).toBe(1);
    expect(screen).not.toMatch(/more lines above/);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a long answer that arrives all at once (a fast model) is drawn whole, once, and the chat stays alive', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 80, rows: 12 });
    const lines = Array.from({ length: 200 }, (_, i) => `Answer line ${String(i).padStart(3, '0')} of a long explanation.`);
    // About 1,500 tiny chunks with no pause between them: read in one go, one render each used to nest
    // those renders until React gave up (error #185) and the chat exited.
    harness.server.enqueue({ text: lines.join('\n\n'), chunkDelayMs: 0, chunkSize: 7 });
    await chat.send('explain at length');
    await chat.waitForScreen(/Answer line 199 of a long explanation\./, 20_000);
    await chat.waitForBottom(/ · ready · /, 2, 20_000);
    const screen = await chat.screen();
    for (const line of lines) expect(occurrences(screen, line), line).toBe(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('a plan card taller than the terminal is printed once, in full, and the decision is asked below it; the run panel stays on screen', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 100, rows: 20 });
    const plan = chainPlan(16, 0.15);
    harness.server.enqueue(...proposal('a long chain', plan));
    harness.server.setFallback(() => reflectionReply());
    await chat.send('run a long chain');
    await chat.waitForScreen(/16 steps, shown in full above/, 20_000);
    const asked = await chat.screen();
    // Every step's command is on the record, once: the user approves what was shown.
    for (let i = 0; i < 16; i++) expect(occurrences(asked, `echo step-${i}-output; sleep 0.15`), `step ${i}`).toBe(1);
    expect(occurrences(asked, 'Plan: A chain of 16 steps')).toBe(2); // the card, and the question under it
    // Printed once, so printed with each step's risk level (as ksa run shows it), not the marks a card has until then.
    expect(asked).toContain('16 steps, up to 5 at once, risk: read');
    expect(asked).not.toContain('runs commands on this machine');

    await chat.send('y');
    await chat.waitForScreen(/Reflection on run/, 30_000);
    await chat.waitForBottom(/ · ready · /, 2, 10_000);
    const after = await chat.screen();
    // The run panel was redrawn many times; none of those frames was left behind.
    expect(occurrences(after, /│ Run \d{8}-\d{6}-[0-9a-f]{4} · A chain of 16 steps/)).toBe(0);
    expect(after).toContain('✓ approved: the plan above (A chain of 16 steps)');
    for (let i = 0; i < 16; i++) expect(occurrences(after, `echo step-${i}-output; sleep 0.15`), `step ${i}`).toBe(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('in 40 columns a card that only grows too tall with its risk lines (they wrap there) is printed whole before the question', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { cols: 40, rows: 30 });
    // 25 rows as first drawn, fitting the 25 rows the live area has; about 36 with each step's risk line.
    const plan = {
      goal: 'Deploy the marker app',
      steps: [
        { id: 'prepare', tool: 'shell', args: { command: 'touch marker-prepare' } },
        { id: 'lint', tool: 'shell', args: { command: 'touch marker-lint' }, dependsOn: ['prepare'] },
        { id: 'unit', tool: 'shell', args: { command: 'touch marker-unit' }, dependsOn: ['prepare'] },
        { id: 'serve', tool: 'shell', args: { command: 'echo serving on 8080; touch marker-serve-8080' }, dependsOn: ['lint', 'unit'], rollback: { tool: 'shell', args: { command: 'rm -f marker-serve-8080' } } },
      ],
    };
    harness.server.enqueue(...proposal('deploy', plan));
    await chat.send('deploy');
    await chat.waitForScreen('run? ', 20_000);
    // The risk lines arrive a moment after the card: wait for the card printed with them, to its last line
    // (a screen read while it is being written has its first step's risk line but not yet step 4).
    const asked = await chat.waitForScreen((screen) => screen.includes('Plan: Deploy the marker app') && screen.includes('read-only') && screen.includes('rollback: shell: rm -f'), 10_000);
    for (const text of ['Plan: Deploy the marker app', ' 1. prepare', 'shell: touch marker-prepare', '!4. serve', 'rollback: shell: rm -f']) expect(asked, text).toContain(text);
    expect(occurrences(asked, 'shell: touch marker-prepare')).toBe(1);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
