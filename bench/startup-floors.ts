import { build } from 'esbuild';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What P9a's validate and P9b's first frame cost at the least with the
 * libraries ksa is built on, as programs of a few lines, so that the report
 * shows how far each goal is from the floor any implementation stands on:
 * - validate: commander takes `validate <file>`, yaml reads the example plan,
 *   zod checks it against a minimal plan schema and CEL parses its expressions
 *   (ksa's validate checks much more: tools, arguments, references, the graph);
 * - chat: Ink draws a bordered box and a status line with the marker the
 *   first-frame measurement waits for (ksa's draws its header, input and status).
 * Both are bundled as ksa's CLI is (scripts/bundle.mjs: its plugins, ASCII
 * only) and started as ksa is: the shebang's flags, Node's compile cache,
 * React's production build, and, for Ink, fetch hidden while it loads (as
 * src/cli/without-fetch.ts does).
 */
export type StartupFloors = { readonly validate: readonly string[]; readonly chat: readonly string[] };

const root = path.resolve(import.meta.dirname, '..', '..');

/** The validate floor as a function of argv (not exported: a snapshot script has no `module`), so snapshot-study.ts can put it in a startup snapshot. */
export const VALIDATE_MAIN = `
import { readFileSync } from 'node:fs';
import { parse as parseExpression } from '@marcbachmann/cel-js';
import { Command } from 'commander';
import { parse } from 'yaml';
import { z } from 'zod';
const Step = z.object({ id: z.string().min(1), tool: z.string().min(1), args: z.record(z.string(), z.unknown()).optional(), dependsOn: z.array(z.string()).optional(), when: z.string().optional() });
const Plan = z.object({ goal: z.string(), steps: z.array(Step).min(1) });
const expressions = (value) => typeof value === 'string' ? [...value.matchAll(/{{(.*?)}}/g)].map((match) => match[1]) : value && typeof value === 'object' ? Object.values(value).flatMap(expressions) : [];
function validateFloor(argv) {
new Command('floor')
  .command('validate <file>')
  .action((file) => {
    const result = Plan.safeParse(parse(readFileSync(file, 'utf8')));
    if (!result.success) return process.stdout.write('invalid plan\\n');
    for (const step of result.data.steps) for (const source of [...expressions(step.args), ...(step.when ? [step.when] : [])]) parseExpression(source);
    process.stdout.write('valid plan, ' + result.data.steps.length + ' steps\\n');
  })
  .parent.parse(argv);
}
`;

const VALIDATE = `${VALIDATE_MAIN}\nvalidateFloor(process.argv);\n`;

const CHAT = `
import { Box, render, Text } from 'ink';
render(
  <Box flexDirection="column">
    <Box borderStyle="round" paddingX={1}><Text bold>KubeStack AI</Text></Box>
    <Text>› say what to deploy</Text>
    <Text dimColor>session · ready · 0 tokens</Text>
  </Box>,
  { exitOnCtrlC: false, patchConsole: true },
);
setInterval(() => {}, 60_000);
`;

const START = (bundle: string, hideFetch: boolean) => `
process.env.NODE_ENV ??= 'production';
(await import('node:module')).enableCompileCache?.();
${hideFetch ? "const fetch = Object.getOwnPropertyDescriptor(globalThis, 'fetch'); Object.defineProperty(globalThis, 'fetch', { value: undefined, configurable: true, writable: true });" : ''}
await import('./${bundle}');
${hideFetch ? "Object.defineProperty(globalThis, 'fetch', fetch);" : ''}
`;

/** Builds both programs into `dir`; each result is Node's argv (flags and script) to start it with. */
export async function buildStartupFloors(dir: string, flags: readonly string[]): Promise<StartupFloors> {
  // The plugins and the last step of scripts/bundle.mjs, so the floors get every trick ksa's own bundle gets.
  const { fastStringWidth } = await import(pathToFileURL(path.join(root, 'scripts/bundle-string-width.mjs')).href);
  const { builtinsOnUse } = await import(pathToFileURL(path.join(root, 'scripts/bundle-builtins.mjs')).href);
  const { zodEnglishOnly } = await import(pathToFileURL(path.join(root, 'scripts/bundle-zod-en.mjs')).href);
  const { asciiOnly } = await import(pathToFileURL(path.join(root, 'scripts/bundle-ascii.mjs')).href);
  await writeFile(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  const bundle = (name: string, contents: string, loader: 'ts' | 'tsx') =>
    build({
      stdin: { contents, loader, resolveDir: root, sourcefile: `${name}.${loader}` },
      outdir: path.join(dir, name),
      // As ksa's bundle: what Ink imports only in development (react-devtools-core) stays in a chunk never loaded.
      splitting: true,
      entryNames: 'bundle',
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      jsx: 'automatic',
      banner: { js: "import { createRequire as __floorRequire } from 'node:module'; const require = __floorRequire(import.meta.url);" },
      external: ['react-devtools-core'],
      define: { 'process.env.NODE_ENV': '"production"' },
      plugins: [fastStringWidth(root), builtinsOnUse, zodEnglishOnly],
      logLevel: 'warning',
    }).then(() => asciiOnly(path.join(dir, name)));
  await Promise.all([bundle('validate-floor', VALIDATE, 'ts'), bundle('chat-floor', CHAT, 'tsx')]);
  await writeFile(path.join(dir, 'validate-floor.mjs'), START('validate-floor/bundle.js', false));
  await writeFile(path.join(dir, 'chat-floor.mjs'), START('chat-floor/bundle.js', true));
  return { validate: [...flags, path.join(dir, 'validate-floor.mjs')], chat: [...flags, path.join(dir, 'chat-floor.mjs')] };
}
