import { shellCommands } from '../shell-commands.js';
import type { ShellParser } from '../shell-syntax.js';
import type { CallForm } from './decide.js';
import { argvLine, kubeSpelling } from './kube-spelling.js';

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
  for (const { name, args } of await shellCommands(command, parse)) {
    const texts = args.map((word) => word.literal ?? word.text);
    forms.push({ tool: 'shell', commandLine: [name, ...texts].join(' ') });
    if (!ARGV_PROGRAMS.has(name)) continue;
    forms.push({ tool: name, commandLine: argvLine(texts) });
    if (name === 'kubectl' || name === 'helm') forms.push({ tool: name, commandLine: argvLine(kubeSpelling(name, texts)) });
  }
  return forms;
}
