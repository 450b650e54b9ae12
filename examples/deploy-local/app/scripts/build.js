// Builds a release: copies what the server needs into <outDir> and stamps it with BUILD_INFO.json.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: node scripts/build.js <outDir>');
  process.exit(2);
}
const root = path.resolve(import.meta.dirname, '..');
const target = path.resolve(outDir);
mkdirSync(target, { recursive: true });
for (const entry of ['server.js', 'lib', 'package.json']) {
  cpSync(path.join(root, entry), path.join(target, entry), { recursive: true });
}
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const info = { version, release: path.basename(target), builtAt: new Date().toISOString() };
writeFileSync(path.join(target, 'BUILD_INFO.json'), `${JSON.stringify(info, null, 2)}\n`);
console.error(`built release ${info.release} (v${version})`);
console.log(info.release);
