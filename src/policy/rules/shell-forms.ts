import { SHELLS } from '../command-risk.js';
import { programName } from '../program-name.js';
import { simpleCommands } from '../shell-risk.js';
import type { ShellParser, ShellWord } from '../shell-syntax.js';
import { isWrapper, unwrap } from '../wrappers.js';
import type { CallForm } from './decide.js';
import { argvLine, kubeSpelling } from './kube-spelling.js';

/** How deep `sudo bash -c "env rm …"` is followed; deeper code is still rated by the risk levels. */
const MAX_DEPTH = 8;
/** Programs whose calls inside a shell line also meet that program's own rules (`kubectl: "delete *"`). */
const ARGV_PROGRAMS = new Set(['kubectl', 'helm', 'docker', 'podman']);

/**
 * Each simple command of a shell line as deny and ask rules see it: its words after quoting
 * is resolved, joined by single spaces, the program by its name (`/bin/rm` is `rm`); the
 * command behind `sudo`, `env`, `nohup`, `timeout`… (the same wrappers the risk levels look
 * through) and the commands of a `bash -c`/`sh -c` string, each on its own. A kubectl, helm,
 * docker or podman command is also a call of that tool (`shell: "kubectl delete pod web"`
 * meets `kubectl: "delete *"`).
 */
export async function shellForms(command: string, parse: ShellParser): Promise<CallForm[]> {
  const forms: CallForm[] = [];
  await collect(command, parse, forms, 0);
  return forms;
}

async function collect(code: string, parse: ShellParser, forms: CallForm[], depth: number): Promise<void> {
  if (depth > MAX_DEPTH) return;
  let commands: (readonly ShellWord[])[];
  try {
    commands = await simpleCommands(code, parse);
  } catch {
    // A line the parser cannot read is still matched as written, and rated write at least.
    return;
  }
  for (const words of commands) await visitCommand(words, parse, forms, depth);
}

async function visitCommand(words: readonly ShellWord[], parse: ShellParser, forms: CallForm[], depth: number): Promise<void> {
  const [program, ...args] = words;
  if (program === undefined || depth > MAX_DEPTH) return;
  const name = programName(program.literal ?? program.text);
  const texts = args.map((word) => word.literal ?? word.text);
  forms.push({ tool: 'shell', commandLine: [name, ...texts].join(' ') });
  if (ARGV_PROGRAMS.has(name)) {
    forms.push({ tool: name, commandLine: argvLine(texts) });
    if (name === 'kubectl' || name === 'helm') forms.push({ tool: name, commandLine: argvLine(kubeSpelling(name, texts)) });
  }
  if (isWrapper(name)) {
    const inner = unwrap(name, args);
    if (inner.kind === 'command') await visitCommand(inner.words, parse, forms, depth + 1);
    if (inner.kind === 'script' && inner.code.literal !== undefined) await collect(inner.code.literal, parse, forms, depth + 1);
    return;
  }
  if (SHELLS.has(name)) {
    const flag = texts.findIndex((text) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(text));
    const script = flag === -1 ? undefined : args[flag + 1]?.literal;
    if (script !== undefined) await collect(script, parse, forms, depth + 1);
  }
}
