import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, runKsa, type CliSandbox } from '../helpers/cli.js';

// An http deny rule written with the host's trailing dot or a user name holds for the plain URL: nothing is sent.

let sandbox: CliSandbox;
let server: Server;
let port: number;
const received: string[] = [];
beforeAll(async () => {
  sandbox = await createCliSandbox('ksa-url-rules-');
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    response.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await sandbox.cleanup();
});

describe('http deny rules written with the host the long way', () => {
  it.each([
    ['trailing-dot', (p: number) => `DELETE http://localhost.:${p}/*`, (p: number) => `http://localhost:${p}/items/1`],
    ['user-name', (p: number) => `* http://ops@127.0.0.1:${p}/*`, (p: number) => `http://127.0.0.1:${p}/items/2`],
  ])('%s: the plan is denied and no request is sent', async (name, rule, url) => {
    const dir = path.join(sandbox.dir, name);
    await mkdir(path.join(dir, '.ksa'), { recursive: true });
    await writeFile(path.join(dir, '.ksa', 'policy.yaml'), `deny:\n  - http: ${JSON.stringify(rule(port))}\n`);
    const plan = path.join(dir, 'plan.yaml');
    await writeFile(plan, `goal: delete an item\nsteps:\n  - { id: d, tool: http, args: { method: DELETE, url: ${JSON.stringify(url(port))} } }\n`);
    const run = await runKsa(['run', plan, '--yes', '--allow-destroy', '--json'], { home: sandbox.home });
    expect(run.code, describeResult(run)).toBe(2);
    expect(run.stderr).toContain(`denied by deny http: ${JSON.stringify(rule(port))}`);
    expect(received.filter((line) => line === `DELETE ${new URL(url(port)).pathname}`)).toEqual([]);
  });
});
