import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KSA_ARGV, ksaEnv, REPO_ROOT } from '../helpers/cli.js';

// The bundle bin/ksa.js loads (dist/cli, built by npm run build and the test setup):
// what every command loads at start stays small, and the heavy libraries stay in
// chunks that only the commands needing them import.

const DIR = path.join(REPO_ROOT, 'dist/cli');

/**
 * Where the bundle's comments say a package's code comes from: esbuild names a file by its real path, so in a worktree
 * whose node_modules is a link to another checkout's, `// ../main/node_modules/zod/…`, not `// node_modules/zod/…`.
 */
const NODE_MODULES = path.relative(REPO_ROOT, realpathSync(path.join(REPO_ROOT, 'node_modules'))).split(path.sep).join('/');

/** The comment a module's code opens with in the bundle (`node_modules/zod/`, `src/planning/schema.ts`). */
function opening(marker: string): string {
  return `// ${marker.startsWith('node_modules/') ? NODE_MODULES + marker.slice('node_modules'.length) : marker}`;
}

/** Files reached from `file` through static imports only (what loads before any command runs). */
function staticallyLoaded(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/^(?:import|export)\s+(?:[^;]*?\s+from\s+)?"(\.[^"]+)";/gm)) staticallyLoaded(path.resolve(path.dirname(file), match[1]!), seen);
  return seen;
}

/** The chunk the entry imports for every command but the chat: the commands, parsed with commander. */
function programChunk(): string {
  const entry = readFileSync(path.join(DIR, 'cli.js'), 'utf8');
  return path.join(DIR, /import\("\.\/(chunks\/program-[A-Z0-9]+\.js)"\)/.exec(entry)![1]!);
}

describe('the CLI bundle', () => {
  it('exists, and what loads before a command runs has no zod, CEL, YAML, React, Ink, AI SDK or execa; the entry itself not even commander', () => {
    const entry = path.join(DIR, 'cli.js');
    expect(existsSync(entry)).toBe(true);
    const entryText = [...staticallyLoaded(entry)].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(entryText.includes(opening('node_modules/commander/'))).toBe(false);
    const text = [...staticallyLoaded(entry), ...staticallyLoaded(programChunk())].map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const marker of ['node_modules/zod/', 'node_modules/@marcbachmann/cel-js/', 'node_modules/yaml/', 'node_modules/react/', 'node_modules/ink/', 'node_modules/ai/', 'node_modules/execa/']) {
      expect(text.includes(opening(marker)), marker).toBe(false);
    }
    expect(text).toContain(opening('node_modules/commander/'));
  });

  it("the chat's first frame loads no AI SDK, CEL, YAML, zod, policy, tools or Markdown parser: the chat command and its TUI do not reach them, the engine loaded after the frame does", () => {
    const chunks = path.join(DIR, 'chunks');
    const entry = readFileSync(path.join(DIR, 'cli.js'), 'utf8');
    const command = path.join(DIR, /import\("\.\/(chunks\/chat-[A-Z0-9]+\.js)"\)/.exec(entry)![1]!);
    const commandText = readFileSync(command, 'utf8');
    const lazily = (name: string) => path.join(chunks, new RegExp(`import\\("\\./(${name}-[A-Z0-9]+\\.js)"\\)`).exec(commandText)![1]!);
    const firstFrame = [...staticallyLoaded(command), ...staticallyLoaded(lazily('run-chat'))];
    const text = firstFrame.map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(text).toContain(opening('node_modules/ink/'));
    const later = ['node_modules/ai/', 'node_modules/@ai-sdk/openai/', 'node_modules/@ai-sdk/provider-utils/', 'node_modules/@marcbachmann/cel-js/', 'node_modules/yaml/', 'src/policy/rules/parse-policy.ts', 'src/tools/builtin.ts'];
    // A new session is created after the frame and the stores' schemas load when a file is read;
    // React's development builds are not bundled at all.
    later.push('node_modules/zod/', 'src/planning/schema.ts', 'src/store/run-record.ts', 'src/store/conversation-record.ts', 'node_modules/marked/', 'node_modules/react-reconciler/cjs/react-reconciler.development.js');
    for (const marker of later) expect(text.includes(opening(marker)), marker).toBe(false);
    const engine = [...staticallyLoaded(lazily('chat-engine'))].map((file) => readFileSync(file, 'utf8')).join('\n');
    for (const marker of ['node_modules/ai/', 'node_modules/@marcbachmann/cel-js/', 'src/policy/rules/parse-policy.ts', 'src/tools/builtin.ts']) expect(engine, marker).toContain(opening(marker));
  });

  it('each command is its own chunk, loaded with import()', () => {
    const program = readFileSync(programChunk(), 'utf8');
    for (const command of ['validate', 'run', 'chat', 'status', 'pause', 'resume', 'cancel']) {
      expect(program, command).toMatch(new RegExp(`import\\("\\./${command}-[A-Z0-9]+\\.js"\\)`));
    }
  });

  it("ksa validate's chunks leave out the executor and the store's run and conversation records, and the policy's rules and command ratings (loaded for a plan with a policy, or --json)", () => {
    const chunk = readdirSync(path.join(DIR, 'chunks')).find((name) => name.startsWith('validate-'));
    expect(chunk).toBeDefined();
    const text = [...staticallyLoaded(path.join(DIR, 'chunks', chunk!))].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(text).toContain(opening('src/planning/validate.ts'));
    for (const marker of ['src/planning/executor.ts', 'src/planning/step-ends.ts', 'src/planning/run-stop.ts', 'src/store/run-record.ts', 'src/store/conversation-record.ts', 'src/store/run-store.ts', 'src/store/open-run.ts', 'src/policy/rules/parse-policy.ts', 'src/policy/rules/assess.ts', 'src/policy/plan-risk.ts', 'node_modules/picomatch/']) {
      expect(text.includes(opening(marker)), marker).toBe(false);
    }
  });

  it('ksa validate loads neither child_process, crypto nor readline, and the bundle it loads is one byte per character', async () => {
    // Node's list of the built-in modules it loaded, printed as the process exits.
    const preload = `data:text/javascript,process.on('exit', () => process.stderr.write('MODULES ' + JSON.stringify(process.moduleLoadList) + '\\n'))`;
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', preload, ...KSA_ARGV, 'validate', 'examples/deploy-local/plan.yaml'], { cwd: REPO_ROOT, env: ksaEnv() });
    expect(stdout).toContain('valid plan, 10 steps');
    const loaded: string[] = JSON.parse(/^MODULES (.*)$/m.exec(stderr)![1]!);
    expect(loaded).toContain('NativeModule fs');
    for (const name of ['child_process', 'crypto', 'readline']) expect(loaded, name).not.toContain(`NativeModule ${name}`);
    // A character beyond Latin-1 anywhere in a file makes Node hold all of it as two bytes per character.
    const chunk = readdirSync(path.join(DIR, 'chunks')).find((name) => name.startsWith('validate-'))!;
    for (const file of staticallyLoaded(path.join(DIR, 'chunks', chunk))) expect(/[^\x00-\xff]/u.test(readFileSync(file, 'utf8')), file).toBe(false);
  });
});
