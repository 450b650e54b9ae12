import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  // dist/src/version.js, src/version.ts, the bundle's dist/cli/cli.js or one of its dist/cli/chunks.
  for (const candidate of ['../package.json', '../../package.json', '../../../package.json']) {
    try {
      const pkg = require(candidate) as { name?: string; version?: string };
      if (pkg.name === 'kubestack-ai' && pkg.version) return pkg.version;
    } catch {
      // Not in this layout (source vs dist): try the next.
    }
  }
  return '0.0.0';
}

export const VERSION = readVersion();
