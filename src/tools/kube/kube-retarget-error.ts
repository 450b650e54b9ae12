import { KsaError } from '../../planning/ksa-error.js';

/** A cluster call whose argv points it past its context (another kubeconfig, server or credentials). */
export class KubeRetargetError extends KsaError {
  readonly flag: string;

  constructor({ tool, stepId, approved, flag }: { tool: string; stepId: string; approved: string; flag: string }) {
    super({
      name: 'KubeRetargetError',
      message: `step ${stepId} (${tool}) passes ${flag}, which points it past kube context "${approved}" the plan was approved for; nothing was run. Remove ${flag} and name the cluster with the step's context argument.`,
    });
    this.flag = flag;
  }
}
