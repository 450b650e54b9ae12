import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpOutputSchema, HttpRequestError, HttpStatusError, httpTool } from '../../src/tools/index.js';
import { createToolContext } from '../helpers/tool-context.js';
import { freePort } from '../helpers/cli.js';
import { closeServer, listenLocal } from '../helpers/local-server.js';

let server: Server;
let base: string;
const ws = process.cwd();

async function readBody(request: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text;
}

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/json':
        response.setHeader('content-type', 'application/json; charset=utf-8');
        response.end(JSON.stringify({ hello: 'world', n: 1 }));
        return;
      case '/text':
        response.setHeader('content-type', 'text/plain');
        response.setHeader('x-custom', 'yes');
        response.end('plain text\n');
        return;
      case '/echo': {
        const body = await readBody(request);
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ method: request.method, contentType: request.headers['content-type'] ?? null, auth: request.headers.authorization ?? null, body }));
        return;
      }
      case '/down':
        response.statusCode = 503;
        response.setHeader('content-type', 'text/plain');
        response.end(`service down\n${'x'.repeat(500)}`);
        return;
      case '/page':
        // Another server on the port (python -m http.server): its error page.
        response.statusCode = 404;
        response.setHeader('content-type', 'text/html');
        response.end('<!DOCTYPE HTML>\n<html lang="en">\n<head><meta charset="utf-8"><title>Error response</title></head>\n<body><h1>Error response</h1><p>Error code: 404</p></body></html>');
        return;
      case '/created':
        response.statusCode = 201;
        response.end();
        return;
      case '/big':
        response.setHeader('content-type', 'application/json');
        response.end('"' + 'b'.repeat(2 * 1024 * 1024) + '"');
        return;
      case '/moved':
        response.writeHead(302, { location: '/json' });
        response.end('moved');
        return;
      case '/moved-down':
        response.writeHead(302, { location: '/down' });
        response.end();
        return;
      case '/hang':
        return; // never answers
      default:
        response.statusCode = 404;
        response.end('not found');
    }
  });
  base = `http://127.0.0.1:${await listenLocal(server)}`;
});

afterAll(() => closeServer(server));

describe('http', () => {
  it('GETs JSON and parses it', async () => {
    const context = createToolContext(ws);
    const output = await httpTool.execute({ url: `${base}/json` }, context);
    expect(output.status).toBe(200);
    expect(output.body).toEqual({ hello: 'world', n: 1 });
    expect(output.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(HttpOutputSchema.parse(output)).toEqual(output);
    expect(context.lines[0]!.line).toMatch(new RegExp(`^GET ${base}/json -> 200 OK \\(\\d+ ms\\)$`));
  });

  it('returns other bodies as text, with the headers', async () => {
    const output = await httpTool.execute({ url: `${base}/text` }, createToolContext(ws));
    expect(output.body).toBe('plain text\n');
    expect(output.headers['x-custom']).toBe('yes');
  });

  it('sends an object body as JSON and a string body as is', async () => {
    const json = await httpTool.execute(
      { url: `${base}/echo`, method: 'POST', body: { name: 'web', replicas: 2 }, headers: { authorization: 'Bearer t' } },
      createToolContext(ws),
    );
    expect(json.body).toEqual({ method: 'POST', contentType: 'application/json', auth: 'Bearer t', body: '{"name":"web","replicas":2}' });
    const text = await httpTool.execute(
      { url: `${base}/echo`, method: 'PUT', body: 'a=1', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      createToolContext(ws),
    );
    expect(text.body).toEqual({ method: 'PUT', contentType: 'application/x-www-form-urlencoded', auth: null, body: 'a=1' });
  });

  it('sends the user and password of a URL as Basic authentication, and never shows the password', async () => {
    const withUser = base.replace('://', '://deploy:p%40ss-9@');
    const ctx = createToolContext(ws);
    const answer = await httpTool.execute({ url: `${withUser}/echo` }, ctx);
    expect((answer.body as { auth: string }).auth).toBe(`Basic ${Buffer.from('deploy:p@ss-9').toString('base64')}`);
    expect(ctx.lines.map((line) => line.line).join('\n')).not.toContain('p%40ss-9');
    expect(ctx.lines[0]!.line).toContain(`GET ${base.replace('://', '://deploy:***@')}/echo -> 200`);
    expect(httpTool.describe!({ url: `${withUser}/echo` } as never)).toBe(`GET ${base.replace('://', '://deploy:***@')}/echo`);
    const failed = (await httpTool.execute({ url: `${withUser}/down` }, createToolContext(ws)).catch((error: unknown) => error)) as Error;
    expect(failed.message).toMatch(/^GET http:\/\/deploy:\*\*\*@127\.0\.0\.1:\d+\/down answered 503/);
    // An explicit header wins over the URL's.
    const explicit = await httpTool.execute({ url: `${withUser}/echo`, headers: { Authorization: 'Bearer t' } }, createToolContext(ws));
    expect((explicit.body as { auth: string }).auth).toBe('Bearer t');
  });

  it('accepts a lower-case method', () => {
    expect(httpTool.inputSchema.parse({ url: `${base}/echo`, method: 'post' }).method).toBe('POST');
  });

  it('fails on an unexpected status with the start of the body', async () => {
    const error = await httpTool.execute({ url: `${base}/down` }, createToolContext(ws)).catch((e: unknown) => e);
    expect(HttpStatusError.isInstance(error)).toBe(true);
    expect((error as HttpStatusError).status).toBe(503);
    const message = (error as Error).message;
    expect(message.startsWith(`GET ${base}/down answered 503 (expected 2xx): service down xxx`)).toBe(true);
    expect(message).not.toContain('\n');
    expect(message.length).toBeLessThan(`GET ${base}/down answered 503 (expected 2xx): `.length + 202);
  });

  it('an HTML page among the answer is said by its title, not quoted tag by tag', async () => {
    await expect(httpTool.execute({ url: `${base}/page` }, createToolContext(ws))).rejects.toThrow(new RegExp(`^GET ${base.replace(/[.]/g, '\\.')}/page answered 404 \\(expected 2xx\\): Error response$`));
  });

  it('honours expectStatus, a number or a list', async () => {
    await expect(httpTool.execute({ url: `${base}/down`, expectStatus: 503 }, createToolContext(ws))).resolves.toMatchObject({ status: 503 });
    await expect(httpTool.execute({ url: `${base}/created`, expectStatus: [200, 204] }, createToolContext(ws))).rejects.toThrow(
      `GET ${base}/created answered 201 (expected 200 or 204)`,
    );
  });

  it('follows a redirect, and a failure names the URL that answered', async () => {
    const context = createToolContext(ws);
    await expect(httpTool.execute({ url: `${base}/moved` }, context)).resolves.toMatchObject({ status: 200, body: { hello: 'world', n: 1 } });
    expect(context.lines[0]!.line).toMatch(new RegExp(`^GET ${base}/moved -> redirected to ${base}/json -> 200 OK \\(\\d+ ms\\)$`));
    await expect(httpTool.execute({ url: `${base}/moved-down` }, createToolContext(ws))).rejects.toThrow(
      `GET ${base}/moved-down was redirected to ${base}/down, which answered 503 (expected 2xx): service down`,
    );
  });

  it('does not follow a redirect when expectStatus names a 3xx: the redirect itself is checked', async () => {
    const output = await httpTool.execute({ url: `${base}/moved`, expectStatus: [301, 302] }, createToolContext(ws));
    expect(output).toMatchObject({ status: 302, body: 'moved' });
    expect(output.headers.location).toBe('/json');
    await expect(httpTool.execute({ url: `${base}/moved`, expectStatus: 301 }, createToolContext(ws))).rejects.toThrow(
      `GET ${base}/moved answered 302 (expected 301): moved`,
    );
    await expect(httpTool.execute({ url: `${base}/json`, expectStatus: 302 }, createToolContext(ws))).rejects.toThrow(`GET ${base}/json answered 200 (expected 302)`);
  });

  it('says "connection refused" when nothing listens', async () => {
    const port = await freePort();
    const error = await httpTool.execute({ url: `http://127.0.0.1:${port}/healthz` }, createToolContext(ws)).catch((e: unknown) => e);
    expect(HttpRequestError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(`GET http://127.0.0.1:${port}/healthz: connection refused`);
  });

  it('says which port fetch refuses instead of its bare "bad port"', async () => {
    await expect(httpTool.execute({ url: 'http://127.0.0.1:6000/healthz' }, createToolContext(ws))).rejects.toThrow(
      'GET http://127.0.0.1:6000/healthz: port 6000 is one that fetch refuses to connect to (a port browsers block too); use another port',
    );
  });

  it('says a TLS handshake failed in one line, not in OpenSSL\'s words', async () => {
    const tls = base.replace('http:', 'https:');
    const error = (await httpTool.execute({ url: `${tls}/json` }, createToolContext(ws)).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`GET ${tls}/json: TLS handshake failed: wrong version number (is the server speaking plain HTTP? then use http://)`);
  });

  it('refuses, when the plan is checked, a header fetch would refuse and a body on GET or HEAD', () => {
    const problems = (args: unknown) => httpTool.inputSchema.safeParse(args).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    expect(problems({ url: `${base}/echo`, headers: { 'bad header': 'v', 'X-Line': 'a\nb', 'X-Euro': '€', 'X-Fine': 'é ok' } })).toEqual([
      "headers.bad header: not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
      'headers.X-Line: not a valid header value: it holds a line break or NUL',
      'headers.X-Euro: not a valid header value: only Latin-1 characters can be sent (percent-encode the rest)',
    ]);
    expect(problems({ url: `${base}/echo`, body: 'x' })).toEqual(['body: a GET request cannot have a body (send it with method POST, PUT or PATCH)']);
    expect(problems({ url: `${base}/echo`, method: 'head', body: { a: 1 } })).toEqual(['body: a HEAD request cannot have a body (send it with method POST, PUT or PATCH)']);
    expect(problems({ url: `${base}/echo`, method: 'DELETE', body: 'x' })).toBeUndefined();
  });

  it('names a host that does not resolve', async () => {
    await expect(httpTool.execute({ url: 'http://ksa-no-such-host.invalid/' }, createToolContext(ws))).rejects.toThrow(
      'GET http://ksa-no-such-host.invalid/: could not resolve host ksa-no-such-host.invalid',
    );
  });

  it('stops on abort with the signal reason', async () => {
    const controller = new AbortController();
    const run = httpTool.execute({ url: `${base}/hang` }, createToolContext(ws, controller.signal));
    const reason = new Error('attempt 1 timed out after 50 ms');
    setTimeout(() => controller.abort(reason), 50);
    await expect(run).rejects.toBe(reason);
  });

  it('keeps the first 1 MiB of a longer body, as text, and logs only the status line (as README "Tools" says)', async () => {
    const context = createToolContext(ws);
    const output = await httpTool.execute({ url: `${base}/big` }, context);
    expect(output.truncated).toBe(true);
    expect(output.body).toBe(`"${'b'.repeat(1024 * 1024 - 1)}`);
    expect(context.lines.map((line) => line.line)).toEqual([expect.stringMatching(new RegExp(`^GET ${base}/big -> 200 OK \\(\\d+ ms\\)$`))]);
  });

  it('rejects URLs that are not http(s)', () => {
    expect(httpTool.inputSchema.safeParse({ url: 'file:///etc/passwd' }).success).toBe(false);
    expect(httpTool.inputSchema.safeParse({ url: 'localhost:8080' }).success).toBe(false);
  });
});
