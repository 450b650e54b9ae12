export { defineTool, inputJsonSchemaOf } from './tool.js';
export type { Tool, ToolAnnotations, ToolContext, ToolRisk, ToolStepRisk } from './tool.js';
export { ToolRegistry } from './registry.js';
export type { InvokeOptions } from './registry.js';
export { builtinTools, createBuiltinRegistry } from './builtin.js';
export { toolsAsJson } from './tools-json.js';
export type { ToolJson } from './tools-json.js';
export { stepRiskText, toolStepRisk } from './tool-step-risk.js';
export { runProcess, ProcessOutputSchema } from './process-runner.js';
export type { ProcessOutput, RunProcessOptions } from './process-runner.js';
export { DEFAULT_KILL_GRACE_MS, groupNames, killAllProcessGroups, liveProcessGroups, onProcessGroupsChanged, stopLeftoverGroups, trackedProcessGroups, unsureGroupsText } from './process-groups.js';
export type { ProcessGroup, RecordedGroup } from './process-groups.js';
export { containerNames, onContainersChanged, removeContainers, trackedContainers, unremovedContainersText } from './started-containers.js';
export type { RemovedContainer, StartedContainer } from './started-containers.js';
export { clearLeftovers, removeStoppedContainers } from './leftovers.js';
export { containerNamedBy, isContainerRun, runContainerName } from './named-containers.js';
export { commandLineOf, programOf } from './process-identity.js';
export type { CleanUpNews } from './leftovers.js';
export { shellTool, ShellInputSchema } from './shell.js';
export { createArgvTool, kubectlTool, helmTool, dockerTool, podmanTool, ArgvInputSchema } from './argv-tools.js';
export {
  k8sApplyTool,
  k8sDiffTool,
  k8sRolloutStatusTool,
  k8sRollbackTool,
  k8sPortForwardTool,
  helmUpgradeTool,
  helmRollbackTool,
  approvedKubeContext,
  kubeContextLine,
  NO_CURRENT_CONTEXT,
  currentKubeContext,
  currentKubeTarget,
  stepsOnCurrentContext,
  guardKubeContext,
  planRunsKube,
  planTouchesKube,
  scopeFromArgv,
  scopeOfInput,
  KubeContextMismatchError,
  KubeRetargetError,
  shellStepScopes,
} from './kube/index.js';
export type { KubeScope, ShellStepScopes } from './kube/index.js';
export type { ArgvInput, ArgvToolOptions } from './argv-tools.js';
export { httpTool, HttpInputSchema, HttpOutputSchema, HTTP_METHODS, MAX_BODY_BYTES } from './http.js';
export type { HttpInput, HttpOutput } from './http.js';
export { readFileTool, writeFileTool, MAX_READ_BYTES } from './files.js';
export { sleepTool, MAX_SLEEP_MS } from './sleep.js';
export { resolveInWorkspace } from './workspace.js';
export type { WorkspacePath } from './workspace.js';
export {
  ToolError,
  UnknownToolError,
  ToolInputError,
  CommandFailedError,
  CommandNotFoundError,
  WorkspacePathError,
  HttpStatusError,
  HttpRequestError,
} from './errors.js';
export type { WorkspacePathProblem } from './errors.js';
export * from './mcp/index.js';
export { quickCommand } from './quick-command.js';
export { parseShell } from './shell-parser.js';
export { riskOptions } from './risk-options.js';
