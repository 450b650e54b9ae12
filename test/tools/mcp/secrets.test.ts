import { describe, expect, it } from 'vitest';
import { serverSecrets } from '../../../src/tools/mcp/secrets.js';

describe('the secrets of an MCP server entry', () => {
  it('stdio: env values under secret-looking names, expanded (not the variable names), and URL passwords in any', () => {
    const transport = {
      kind: 'stdio' as const,
      command: 'srv',
      args: ['--verbose'],
      env: { QA_TOKEN: 'sekret-TOKEN-123', API_TOKEN: '${SOURCE}', REGION: 'eu-west-1', DB: 'postgres://app:p%40ss-word@db/prod', MISSING_KEY: '${NOT_SET}' },
      cwd: '.',
      baseDir: '/',
    };
    expect(serverSecrets(transport, { SOURCE: 'expanded-tok-5151' }).sort()).toEqual(['expanded-tok-5151', 'p%40ss-word', 'p@ss-word', 'sekret-TOKEN-123'].sort());
  });

  it('http: secret-looking headers (an Authorization header with and without its scheme), the URL password and secret query values', () => {
    const transport = {
      kind: 'http' as const,
      url: 'https://user:url-pass-1@mcp.example.com/mcp?api_key=${QUERY_KEY}&page=2000',
      headers: { Authorization: 'Bearer ${DEPLOY_TOKEN}', 'X-Api-Key': 'header-key-9', Accept: 'application/json' },
      sse: false,
    };
    const secrets = serverSecrets(transport, { DEPLOY_TOKEN: 'deploy-tok-77', QUERY_KEY: 'query-key-5' });
    const basic = Buffer.from('user:url-pass-1').toString('base64');
    expect(secrets).toEqual(expect.arrayContaining(['Bearer deploy-tok-77', 'deploy-tok-77', 'header-key-9', 'url-pass-1', 'query-key-5', `Basic ${basic}`, basic]));
    expect(secrets).not.toContain('application/json');
    expect(secrets.filter((secret) => secret.includes('${'))).toEqual([]);
    expect(secrets).not.toContain('2000');
  });
});
