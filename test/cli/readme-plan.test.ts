import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCliSandbox, describeResult, freePort, REPO_ROOT, runKsa, type CliSandbox } from '../helpers/cli.js';

// The README's example plan ("## Plans") runs as written against the app it describes.

let sandbox: CliSandbox;
beforeAll(async () => {
  sandbox = await createCliSandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

// A server that answers JSON at /healthz and stops by itself, so no process outlives the test.
const SERVER = `import http from 'node:http';
const server = http.createServer((req, res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ status: 'ok', path: req.url })); });
server.listen(Number(process.env.PORT), '127.0.0.1');
setTimeout(() => process.exit(0), 15000);
`;

describe('the README example plan', () => {
  it('runs against app/ (package.json with a build script, dist/server.js answering /healthz) and writes the health body as text', async () => {
    const readme = await readFile(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const plan = /## Plans\n+```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(plan).toBeDefined();
    const port = await freePort();
    const app = path.join(sandbox.dir, 'app');
    await mkdir(path.join(app, 'dist'), { recursive: true });
    await writeFile(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, scripts: { build: 'node -e "1"' } }));
    await writeFile(path.join(app, 'dist', 'package.json'), '{"type":"module"}');
    await writeFile(path.join(app, 'dist', 'server.js'), SERVER);
    await sandbox.writePlan('plan.yaml', plan!.replace('port: 8080', `port: ${port}`));
    const result = await runKsa(['run', '--yes', 'plan.yaml'], { home: sandbox.home, cwd: sandbox.dir, timeoutMs: 60_000 });
    expect(result.code, describeResult(result)).toBe(0);
    expect(JSON.parse(await readFile(path.join(sandbox.dir, 'deployed.txt'), 'utf8'))).toEqual({ status: 'ok', path: '/healthz' });
  }, 70_000);
});
