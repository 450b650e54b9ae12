import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatHarnessFor } from '../helpers/chat-pty.js';
import { markerPlan, proposal } from '../helpers/chat-script.js';

// `ksa chat` in a pseudo-terminal against the local fake OpenAI-compatible server:
// when the model cannot reflect on a run, the plain reflection comes with one line saying why.

const flat = (text: string) => text.replace(/\s+/g, ' ');

describe.concurrent('ksa chat: a reflection the model could not give', () => {
  it('the reflection call keeps failing until its retries outlast KSA_MODEL_TIMEOUT_MS: the chat says it timed out, and after how long', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open([], { env: { KSA_MODEL_TIMEOUT_MS: '1500' } });
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    // Every call from now on (the reflection) fails with a 500; the SDK's first retry waits 2 s, past the 1.5 s limit.
    harness.server.setFallback({ status: 500, error: 'the model is overloaded' });
    await chat.send('y');
    const screen = flat(await chat.waitForScreen('Reflection on run', 15_000));
    expect(screen).toContain(
      `Reflection from the run record only: the model at ${harness.server.baseURL} did not answer in time: it timed out after 1500 ms while retrying a failed call; a local model may still be loading: try again, or raise KSA_MODEL_TIMEOUT_MS`,
    );
    expect(screen).toContain('(from the run record, not the model)');
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('the model answers the reflection with prose, not the JSON asked for: the card is from the run record and the line says what the model got wrong', async (context) => {
    const harness = await chatHarnessFor(context);
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    harness.server.setFallback({ text: 'I think the deploy went fine overall.' });
    await chat.send('y');
    const screen = flat(await chat.waitForScreen('Reflection on run', 15_000));
    expect(screen).toContain('(from the run record, not the model)');
    expect(screen).not.toContain('did not answer');
    expect(screen).toContain(`Reflection from the run record only: the model at ${harness.server.baseURL} answered, but not with the JSON ksa asked for`);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });

  it('the endpoint is down when the run ends: the chat says it cannot reach it', async (context) => {
    const harness = await chatHarnessFor(context);
    // No retries: the refused connection is the answer at once.
    await writeFile(path.join(harness.sandbox.home, 'config.json'), JSON.stringify({ maxRetries: 0 }));
    const chat = await harness.open();
    harness.server.enqueue(...proposal('deploy', markerPlan()));
    await chat.send('deploy the marker app');
    await chat.waitForScreen('run? [y/n/e]');
    await harness.server.close();
    await chat.send('y');
    const screen = flat(await chat.waitForScreen('Reflection on run', 15_000));
    expect(screen).toContain(`Reflection from the run record only: cannot reach the model endpoint ${harness.server.baseURL} (connection refused); is the server running?`);
    expect(await chat.quit()).toMatchObject({ exitCode: 0 });
  });
});
