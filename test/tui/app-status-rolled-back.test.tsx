import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, nonEmptyLines, runKsa, startKsa } from '../helpers/cli.js';
import { expectExit, killGroup, ksaJson, waitForStoredStatus, type StatusDoc } from '../helpers/durable.js';
import { chatModel, renderChatApp } from '../helpers/tui-app.js';

// A step that did not succeed but was undone reads as undone in the chat's /status, in ksa status's words.

const PLAN = `goal: Cut short then cancelled
steps:
  - id: slow
    tool: shell
    args: { command: "echo $$ > step.pid; echo started; touch started; exec sleep 60" }
    rollback: { tool: shell, args: { command: "echo undone" } }
`;

const stepPids: number[] = [];
afterAll(() => {
  for (const pid of stepPids) killGroup(pid);
});

describe("the chat's /status of a step cut short and rolled back", () => {
  it('says "cut short after …; rolled back", as ksa status does', async (context) => {
    const app = await renderChatApp(context, { model: chatModel() });
    const { home, workspace } = app;
    const planFile = path.join(workspace, 'plan.yaml');
    await writeFile(planFile, PLAN);
    // A real run whose process is killed while its step runs, then cancelled from another terminal.
    const ksa = startKsa(['run', planFile, '--yes', '--json'], { home, cwd: workspace, timeoutMs: 30_000 });
    await eventually(() => (existsSync(path.join(workspace, 'started')) ? true : undefined), 10_000);
    await waitForStoredStatus(undefined, 'slow', 'running', { home });
    ksa.kill('SIGKILL');
    await ksa.result;
    stepPids.push(Number(readFileSync(path.join(workspace, 'step.pid'), 'utf8').trim()));
    const { runId } = await ksaJson<StatusDoc>(['status'], { home });
    expectExit(await runKsa(['cancel', runId, '--yes'], { home, timeoutMs: 30_000 }), 0);

    const text = await runKsa(['status', runId], { home });
    expectExit(text, 0);
    const row = nonEmptyLines(text.stdout).find((line) => line.trimStart().startsWith('slow'))!;
    const [, duration, detail] = /^\s+slow\s+cancelled\s+1\s+(\S+)\s+(.+)$/.exec(row)!;
    expect(detail).toBe(`cut short after ${duration} (the process running it died); rolled back`);

    await app.send(`/status ${runId}`);
    const frame = await app.waitFor(`Run ${runId}: cancelled`);
    // The notice wraps at the window's width: its words, not its line breaks.
    expect(frame.replace(/\s+/g, ' ')).toContain(` slow cancelled ${duration} ${detail} `);
  });
});
