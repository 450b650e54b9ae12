import { destroyRisk, maxRisk, writeRisk, type StepRisk } from './risk-level.js';

/**
 * Variables that make a program run other code or another program, whatever their value:
 * `ls` with PATH=./tools runs whatever ./tools/ls is; BASH_ENV runs a script first; LD_PRELOAD
 * loads code; GIT_CONFIG_*, GIT_DIR (a repository's config) and a HOME or XDG_CONFIG_HOME of
 * the line's choosing bring settings that name commands (core.fsmonitor, credential helpers);
 * TAR_OPTIONS may hold --to-command or --checkpoint-action=exec=.
 * Variables that only choose where a command acts (KUBECONFIG, DOCKER_HOST, HELM_NAMESPACE) or
 * how it reports (GIT_TERMINAL_PROMPT, HELM_DEBUG, IFS) are not here: the kube pin watches targets.
 */
const STEERING_VARIABLE =
  /^(PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|HOME|XDG_CONFIG_HOME|LD_\w+|DYLD_\w+|GCONV_PATH|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONHOME|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|_JAVA_OPTIONS|LESSOPEN|LESSCLOSE|GIT_CONFIG\w*|GIT_DIR|GIT_COMMON_DIR|GIT_TEMPLATE_DIR|GIT_EXEC_PATH|GIT_SSH|GIT_ASKPASS|SSH_ASKPASS|SUDO_ASKPASS|HELM_PLUGINS|RIPGREP_CONFIG_PATH|HELM_DATA_HOME|DOCKER_CONFIG|TAR_OPTIONS)$/;

/** `BASH_FUNC_ls%%=() { …; }`: bash defines the function ls from its environment, which then runs instead of ls. */
const FUNCTION_IMPORT = /^BASH_FUNC_/;

/**
 * less runs LESSOPEN (and LESSCLOSE) with the shell on each file it opens, `%s` its name; a leading `|` or `||` only
 * says how less reads what it prints: rated as that line too.
 */
const INPUT_PREPROCESSOR = /^(LESSOPEN|LESSCLOSE)$/;

/** Variables whose value is a command line the program runs through the shell: rated as that line too. */
const COMMAND_VARIABLE = /^(GIT_EXTERNAL_DIFF|GIT_SSH_COMMAND|GIT_PROXY_COMMAND|KUBECTL_EXTERNAL_DIFF|PROMPT_COMMAND)$/;

/**
 * Pagers and editors: a program names one to show text or take a message. A plain pager or
 * editor word (`PAGER=cat`, `EDITOR=true`, `GIT_PAGER=less -R`) runs nothing new; any other
 * value is a command line that runs.
 */
const VIEWER_VARIABLE = /^(PAGER|GIT_PAGER|MANPAGER|SYSTEMD_PAGER|AWS_PAGER|EDITOR|VISUAL|GIT_EDITOR|GIT_SEQUENCE_EDITOR|KUBE_EDITOR)$/;
const PLAIN_VIEWER = /^\s*(cat|less|more|most|true|false|vi|vim|nvim|nano|emacs|ed)?(\s+-[A-Za-z]+)*\s*$/;

/** PS4 is expanded before each traced command: a `$(…)` or backquote in it runs. */
const EXPANDED_PROMPT = /^(PS1|PS2|PS4)$/;
const RUNS_SUBSTITUTION = /\$\(|`/;

/** One variable a step or line sets: its value, or undefined when known only at run time. */
export interface VariableSetting {
  /** Undefined when the name itself is known only at run time (`export $(cat vars.env)`). */
  readonly name: string | undefined;
  readonly value: string | undefined;
}

/** Rates a shell command line (the value of GIT_EXTERNAL_DIFF…). */
export type ScriptRater = (code: string) => Promise<StepRisk>;

/**
 * `write` when a step sets a variable that changes what runs, in its `env` or in its shell
 * line (`PATH=.:$PATH ls`, `export GIT_EXTERNAL_DIFF=…; git diff`, `env BASH_ENV=… bash -c …`);
 * a command held in one (`GIT_EXTERNAL_DIFF='rm -rf x' git diff`) counts as the line it is.
 */
export async function steeringRisk(settings: Iterable<VariableSetting>, script?: ScriptRater): Promise<StepRisk | undefined> {
  const steering = new Set<string>();
  const commands: { name: string; code: string }[] = [];
  for (const { name, value } of settings) {
    if (name === undefined) steering.add('variables named at run time');
    else if (STEERING_VARIABLE.test(name) || FUNCTION_IMPORT.test(name)) {
      steering.add(name);
      if (INPUT_PREPROCESSOR.test(name) && value !== undefined) commands.push({ name, code: value.replace(/^\s*\|{0,2}-?/, '').replaceAll('%s', 'FILE') });
    }
    else if (COMMAND_VARIABLE.test(name) || (VIEWER_VARIABLE.test(name) && (value === undefined || !PLAIN_VIEWER.test(value)))) {
      steering.add(name);
      if (value !== undefined && value.trim() !== '') commands.push({ name, code: value });
    } else if (EXPANDED_PROMPT.test(name) && (value === undefined || RUNS_SUBSTITUTION.test(value))) steering.add(name);
  }
  if (steering.size === 0) return undefined;
  const imported = [...steering].find((name) => FUNCTION_IMPORT.test(name));
  let risk = imported === undefined ? writeRisk(`sets ${[...steering].join(', ')}, which changes what runs`) : destroyRisk(`sets ${imported}, a function bash runs in place of a command: code ksa cannot rate`);
  if (script === undefined) return risk;
  for (const { name, code } of commands) {
    const found = await script(code);
    risk = maxRisk(risk, { ...found, reason: `${found.reason} in ${name}` });
  }
  return risk;
}
