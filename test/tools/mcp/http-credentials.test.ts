import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuiltinRegistry, McpHub } from '../../../src/tools/index.js';
import { mcpCall as call, startHttpLab, writeUserConfig, type HttpLab } from '../../helpers/mcp.js';
import { createTempDir } from '../../helpers/tool-context.js';

// fetch refuses a URL with user:password in it: ksa sends them as HTTP Basic auth instead, as a browser or curl would.
describe('an MCP server URL with user:password', () => {
  let temp: Awaited<ReturnType<typeof createTempDir>>;
  let web: HttpLab;
  let hub: McpHub;
  const registry = createBuiltinRegistry();
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;
  const withUser = (userinfo: string) => web.url.replace('http://', `http://${userinfo}@`);

  beforeAll(async () => {
    temp = await createTempDir('ksa-mcp-credentials-');
    web = await startHttpLab({ LAB_REQUIRE_AUTH: basic('deploy:p@ss:w0rd') });
    const home = path.join(temp.dir, 'home');
    await writeUserConfig(home, {
      userinfo: { url: `${withUser('deploy:p%40ss:w0rd')}?api_key=qk-12345` },
      // An Authorization header of the entry wins over the URL's user:password.
      header: { url: withUser('deploy:wrong-pass-1'), headers: { authorization: basic('deploy:p@ss:w0rd') } },
      wrong: { url: withUser('deploy:wrong-pass-2') },
    });
    hub = await McpHub.load({ home, env: process.env, cwd: temp.dir });
    await hub.start();
    hub.addTo(registry);
  });

  afterAll(async () => {
    await hub?.close();
    await web?.stop();
    await temp?.cleanup();
  });

  const status = (name: string) => hub.statuses().find((candidate) => candidate.name === name);

  it('sends them as Basic auth to the URL without them, its query kept', async () => {
    expect(status('userinfo')).toMatchObject({ state: 'ready', target: `${web.url.replace('http://', 'http://***@')}?api_key=***` });
    expect(await registry.invoke(call('userinfo__echo', { text: 'in' }), { workspace: temp.dir })).toMatchObject({ text: 'in' });
  });

  it('an explicit Authorization header wins', async () => {
    expect(status('header')?.state).toBe('ready');
    expect(await registry.invoke(call('header__echo', { text: 'in too' }), { workspace: temp.dir })).toMatchObject({ text: 'in too' });
  });

  it('wrong ones are refused by the server, and the password is not shown', () => {
    const wrong = status('wrong');
    expect(wrong?.state).toBe('failed');
    expect(wrong?.reason).toBe(`MCP server "wrong" (${web.url.replace('http://', 'http://***@')}): HTTP 401: Error POSTing to endpoint: unauthorized`);
    expect(JSON.stringify(hub.statuses())).not.toMatch(/wrong-pass|p@ss|p%40ss|qk-12345/);
  });
});
