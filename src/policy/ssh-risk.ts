import type { CommandContext } from './command-context.js';
import { maxRisk, writeRisk, type StepRisk } from './risk-level.js';
import type { ShellWord } from './shell-syntax.js';

/** ssh's options that take a value (the next word, or the rest of the word: `-p22`, `-oProxyCommand=…`). */
const SSH_VALUE_FLAGS = new Set([...'pilFJLRDbcEemOQSWwBIo']);
/** `-o` options whose value is a command ssh runs on this machine (LocalCommand with PermitLocalCommand). */
const SSH_LOCAL_COMMANDS = new Set(['proxycommand', 'localcommand', 'knownhostscommand']);

/** `ssh host "rm -rf /data"`: the remote command is still a command; `-o ProxyCommand=…` runs one here. */
export async function sshRisk(args: readonly ShellWord[], context: CommandContext, remoteRisk: (remote: readonly ShellWord[]) => Promise<StepRisk>): Promise<StepRisk> {
  let i = 0;
  let local: StepRisk | undefined;
  const raise = (risk: StepRisk) => (local = local === undefined ? risk : maxRisk(local, risk));
  while (i < args.length && args[i]!.literal?.startsWith('-')) {
    const word = args[i++]!.literal!;
    if (word === '--') break;
    for (let at = 1; at < word.length; at++) {
      if (!SSH_VALUE_FLAGS.has(word[at]!)) continue;
      const value = at + 1 < word.length ? word.slice(at + 1) : args[i++]?.literal;
      if (word[at] === 'F') raise(writeRisk(`ssh reads its settings from ${value ?? 'a file named at run time'}, which may run commands`));
      if (word[at] === 'o') {
        if (value === undefined) raise(writeRisk('ssh -o option built at run time'));
        else await sshOption(value, context).then((risk) => risk && raise(risk));
      }
      break;
    }
  }
  const remote = args.slice(i + 1);
  const risk = remote.length === 0 ? writeRisk('ssh session') : await remoteRisk(remote);
  return local === undefined ? risk : maxRisk(local, risk);
}

/** `ProxyCommand=touch x` (or `ProxyCommand touch x`): a command ssh runs here through the shell. */
async function sshOption(option: string, context: CommandContext): Promise<StepRisk | undefined> {
  const match = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)([\s\S]*)$/.exec(option);
  if (match === null || !SSH_LOCAL_COMMANDS.has(match[1]!.toLowerCase())) return undefined;
  const command = match[2]!.trim();
  if (command === '' || command.toLowerCase() === 'none') return undefined;
  const via = `ssh ${match[1]}`;
  const risk = await context.script(command);
  return maxRisk(risk.level === 'read' ? risk : { ...risk, reason: `${risk.reason} in ${via}` }, writeRisk(`${via} runs a command here`));
}
