import { KsaError } from '../../planning/ksa-error.js';
import type { ShellKubeProgram } from './kube-scope.js';

/** A cluster call whose argv or environment points it past its context (another kubeconfig, server or credentials). */
export class KubeRetargetError extends KsaError {
  readonly flag: string;

  /** `program`: the kubectl/helm command of a shell step, which has no context argument to point at. */
  constructor({ tool, stepId, approved, flag, program }: { tool: string; stepId: string; approved: string; flag: string; program?: ShellKubeProgram }) {
    const variable = !flag.startsWith('-');
    const does = variable ? `sets ${flag}${program ? ` for ${program}` : ''}` : `passes ${flag}`;
    const contextFlag = program === 'helm' ? '--kube-context' : '--context';
    const fix =
      program === undefined
        ? `Remove ${flag} and name the cluster with the step's context argument.`
        : `Remove ${flag} from ${variable ? 'the step' : `its ${program} command`} and name the cluster with ${contextFlag} ${approved}.`;
    super({
      name: 'KubeRetargetError',
      message: `step ${stepId} (${tool}) ${does}, which points it past kube context "${approved}" the plan was approved for; nothing was run. ${fix}`,
    });
    this.flag = flag;
  }
}
