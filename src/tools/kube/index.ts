export { kubectlTool, helmTool, KubeArgvInputSchema } from './kube-argv-tools.js';
export { k8sApplyTool, k8sDiffTool, k8sRolloutStatusTool, k8sRollbackTool } from './k8s-tools.js';
export { k8sPortForwardTool } from './k8s-port-forward.js';
export { helmUpgradeTool, helmRollbackTool } from './helm-tools.js';
export { approvedKubeContext, kubeContextLine, NO_CURRENT_CONTEXT, currentKubeContext, currentKubeTarget, stepsOnCurrentContext, guardKubeContext, planRunsKube, planTouchesKube, KubeContextMismatchError } from './context-guard.js';
export { scopeFromArgv, scopeOfInput, type KubeScope } from './kube-scope.js';
export { KubeRetargetError } from './kube-retarget-error.js';
export { shellStepScopes, type ShellStepScopes } from './shell-step-scopes.js';
