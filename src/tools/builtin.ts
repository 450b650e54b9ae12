import { dockerTool, podmanTool } from './argv-tools.js';
import { readFileTool, writeFileTool } from './files.js';
import { httpTool } from './http.js';
import { helmRollbackTool, helmTool, helmUpgradeTool, k8sApplyTool, k8sDiffTool, k8sPortForwardTool, k8sRollbackTool, k8sRolloutStatusTool, kubectlTool } from './kube/index.js';
import { ToolRegistry } from './registry.js';
import { shellTool } from './shell.js';
import { sleepTool } from './sleep.js';
import type { Tool } from './tool.js';

/** The tools of contract §3, then the Kubernetes and Helm steps, in the order `ksa tools` lists them. */
export const builtinTools: readonly Tool[] = [
  shellTool,
  httpTool,
  readFileTool,
  writeFileTool,
  sleepTool,
  kubectlTool,
  helmTool,
  dockerTool,
  podmanTool,
  k8sApplyTool,
  k8sDiffTool,
  k8sRolloutStatusTool,
  k8sRollbackTool,
  k8sPortForwardTool,
  helmUpgradeTool,
  helmRollbackTool,
];

export function createBuiltinRegistry(): ToolRegistry {
  return new ToolRegistry(builtinTools);
}
