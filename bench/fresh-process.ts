import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs `name(...args)`, exported by a module of the built bench, in a new Node
 * process and returns its (JSON) result. For timings that must not depend on
 * what the sections before them loaded: the same code ran measurably slower
 * (P4: 339 ms against 236 ms) once the other sections' modules (the AI SDK,
 * React, Ink, the executor) had been imported into the process.
 */
export function inFreshProcess<T>(module: string, name: string, args: readonly unknown[]): Promise<T> {
  const url = pathToFileURL(path.join(import.meta.dirname, module)).href;
  const script = `const m = await import(${JSON.stringify(url)}); process.stdout.write(JSON.stringify(await m[${JSON.stringify(name)}](...${JSON.stringify(args)})));`;
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${module} ${name} failed: ${stderr.trim() || error.message}`)) : resolve(JSON.parse(stdout) as T),
    ),
  );
}
