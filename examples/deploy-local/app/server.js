import { readFileSync } from 'node:fs';
import http from 'node:http';
import { cartTotal, formatPrice, products } from './lib/catalog.js';

const here = new URL('.', import.meta.url);
const info = JSON.parse(readFileSync(new URL('package.json', here), 'utf8'));
let build = {};
try {
  build = JSON.parse(readFileSync(new URL('BUILD_INFO.json', here), 'utf8'));
} catch {
  // Running from source, not from a release.
}
const port = Number(process.env.PORT ?? 8080);
const host = process.env.HOST ?? '127.0.0.1';
// SHOP_BROKEN=1 makes the health check fail, to show a deploy that rolls back.
const broken = process.env.SHOP_BROKEN === '1';
const startedAt = new Date().toISOString();

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
  if (url.pathname === '/healthz') {
    // ?release=NAME lets a deploy check that this process runs the release it just started.
    const expected = url.searchParams.get('release');
    const wrongRelease = expected !== null && expected !== build.release;
    const status = broken ? 'broken' : wrongRelease ? 'wrong-release' : 'ok';
    const body = { status, version: info.version, release: build.release ?? null, startedAt };
    res.writeHead(status === 'ok' ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
    return;
  }
  if (url.pathname === '/api/products') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(products.map((p) => ({ ...p, price: formatPrice(p.priceCents) }))));
    return;
  }
  if (url.pathname === '/api/total') {
    const items = [...url.searchParams].map(([sku, quantity]) => ({ sku, quantity: Number(quantity) }));
    try {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ total: formatPrice(cartTotal(items)) }));
    } catch (error) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: error.message }));
    }
    return;
  }
  if (url.pathname === '/') {
    const rows = products.map((p) => `<li>${p.name}: ${formatPrice(p.priceCents)}</li>`).join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Shop</title><h1>Shop v${info.version}</h1><ul>${rows}</ul><p>release ${build.release ?? 'dev'}</p>\n`);
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found\n');
});

server.listen(port, host, () => {
  console.log(`shop v${info.version} listening on http://${host}:${port} (pid ${process.pid})`);
});
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    // Keep-alive clients must not hold a deploy's stop step.
    server.closeAllConnections();
  });
}
