import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** End-to-end tests run the real binary (bin/ksa.js → dist/cli, the bundle), so build it once before any test. */
export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  // The bundle bin/ksa.js loads first (npm run build makes both).
  execFileSync(process.execPath, [path.join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
