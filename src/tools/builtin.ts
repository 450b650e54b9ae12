import { dockerTool, helmTool, kubectlTool, podmanTool } from './argv-tools.js';
import { readFileTool, writeFileTool } from './files.js';
import { httpTool } from './http.js';
import { ToolRegistry } from './registry.js';
import { shellTool } from './shell.js';
import { sleepTool } from './sleep.js';
import type { Tool } from './tool.js';

/** The tools of contract §3, in the order `ksa tools` lists them. */
export const builtinTools: readonly Tool[] = [shellTool, httpTool, readFileTool, writeFileTool, sleepTool, kubectlTool, helmTool, dockerTool, podmanTool];

export function createBuiltinRegistry(): ToolRegistry {
  return new ToolRegistry(builtinTools);
}
