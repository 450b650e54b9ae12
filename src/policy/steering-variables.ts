import { writeRisk, type StepRisk } from './risk-level.js';

/**
 * Variables that decide which programs run or what they load: `ls` with PATH=./tools
 * runs whatever ./tools/ls is; BASH_ENV runs a script first; LD_PRELOAD loads code;
 * GIT_EXTERNAL_DIFF, GIT_CONFIG_* and KUBECTL_EXTERNAL_DIFF name a command git or kubectl
 * runs; a HOME or XDG_CONFIG_HOME of the line's choosing brings its own git, ssh or kube
 * settings, which can name commands too.
 */
const STEERING_VARIABLE =
  /^(PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PROMPT_COMMAND|PS4|IFS|HOME|XDG_CONFIG_HOME|LD_\w+|DYLD_\w+|GCONV_PATH|NODE_OPTIONS|NODE_PATH|PYTHONPATH|PYTHONSTARTUP|PERL5OPT|PERL5LIB|RUBYOPT|RUBYLIB|JAVA_TOOL_OPTIONS|GIT_\w+|KUBECONFIG|KUBECTL_EXTERNAL_DIFF|KUBE_EDITOR|EDITOR|VISUAL|PAGER|MANPAGER|LESSOPEN|SSH_ASKPASS|SUDO_ASKPASS|HELM_\w+|DOCKER_HOST|DOCKER_CONFIG|CONTAINER_HOST)$/;

/**
 * `write` when a step sets one of those variables, in its `env` or in its shell line
 * (`PATH=.:$PATH ls`, `export GIT_EXTERNAL_DIFF=…; git diff`, `env BASH_ENV=… bash -c …`):
 * what then runs is not what the line names.
 */
export function steeringRisk(names: Iterable<string>): StepRisk | undefined {
  const steering = [...new Set(names)].filter((name) => STEERING_VARIABLE.test(name));
  return steering.length === 0 ? undefined : writeRisk(`sets ${steering.join(', ')}, which changes what runs`);
}
