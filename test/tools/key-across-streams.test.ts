import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamKeys } from '../../src/tools/key-ranges.js';
import { CommandFailedError, shellTool } from '../../src/tools/index.js';
import { BoundedCapture } from '../../src/tools/output-capture.js';
import { createTempDir, createToolContext } from '../helpers/tool-context.js';

// A key printed with its header on one stream and its body on the other is kept as the output lines showed it: ***.

const PEM = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
const LINES = PEM.trimEnd().split('\n');
const BODY = LINES.slice(1, -1);

/**
 * Two pipes have no order between them: the body printed after its header may be read first. A write larger than a
 * pipe holds (a line of blanks, which a key's body may hold) returns only once ksa has read the header before it.
 */
const HEADER_READ = "printf '%70000s\\n' ''";

let ws: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir: ws, cleanup } = await createTempDir());
  await writeFile(path.join(ws, 'rsa.pem'), PEM);
});
afterAll(async () => {
  await cleanup();
});

function expectNoBody(text: string): void {
  for (const line of BODY) expect(text).not.toContain(line);
}

describe('a private key printed across stdout and stderr', () => {
  it('a shell step keeps stderr\'s body lines as ***, as its output lines showed them', async () => {
    const context = createToolContext(ws);
    const output = await shellTool.execute({ command: `head -1 rsa.pem; ${HEADER_READ}; tail -n +2 rsa.pem >&2` }, context);
    expectNoBody(output.stderr);
    expect(output.stderr).toBe([...BODY.map(() => '***'), LINES.at(-1)].join('\n'));
    expect(output.stdout.startsWith(`${LINES[0]}\n`)).toBe(true);
  });

  it('a failed shell step quotes *** for the body line stderr ended with, and keeps stderr masked', async () => {
    const error = await shellTool.execute({ command: `head -1 rsa.pem; ${HEADER_READ}; sed -n 2,6p rsa.pem >&2; exit 3` }, createToolContext(ws)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as CommandFailedError).message).toBe('command exited with code 3: ***');
    expect((error as CommandFailedError).stderr).toBe('***\n***\n***\n***\n***');
    expectNoBody(JSON.stringify(error, Object.getOwnPropertyNames(error)));
  });
});

describe('two paired captures', () => {
  const pair = (maxBytes: number) => {
    const keys: StreamKeys = { stdout: undefined, stderr: undefined };
    return { stdout: new BoundedCapture(maxBytes, { stream: 'stdout', keys }), stderr: new BoundedCapture(maxBytes, { stream: 'stderr', keys }) };
  };

  it('mask the other stream\'s body lines in the kept head and tail, and a last line without a line end', () => {
    const streams = pair(1024);
    streams.stdout.write(`${LINES[0]}\n`);
    streams.stderr.write(`starting now\n${BODY.join('\n')}`);
    streams.stderr.end();
    const text = streams.stderr.text();
    expect(streams.stderr.truncated).toBe(true);
    expectNoBody(text);
    expect(text.startsWith('starting now\n***\n***\n')).toBe(true);
    expect(text.endsWith('\n***\n***')).toBe(true);
  });

  it('leave lines shown that cannot be a key\'s body, and all lines once the other stream\'s key has ended', () => {
    const streams = pair(1024 * 1024);
    streams.stdout.write(`${LINES[0]}\n`);
    streams.stderr.write(`${BODY[0]}\ndeploy ok\n\n`);
    streams.stdout.write(`${LINES.at(-1)}\n`);
    streams.stderr.write(`${BODY[1]}\n`);
    expect(streams.stderr.text()).toBe(`***\ndeploy ok\n\n${BODY[1]}\n`);
  });

  it('mask stdout\'s body lines while stderr has the key open', () => {
    const streams = pair(1024 * 1024);
    streams.stderr.write(`${LINES[0]}\n`);
    streams.stdout.write(`${BODY.join('\n')}\nrotated ok\n`);
    expect(streams.stdout.text()).toBe(`${BODY.map(() => '***').join('\n')}\nrotated ok\n`);
  });

  it('an unpaired capture keeps what it was given', () => {
    const capture = new BoundedCapture(1024 * 1024);
    capture.write(`${BODY[0]}\n`);
    expect(capture.text()).toBe(`${BODY[0]}\n`);
  });
});
