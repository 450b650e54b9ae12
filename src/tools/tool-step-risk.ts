import { assessCallRisk, type RiskOptions } from '../policy/index.js';
import type { Tool, ToolStepRisk } from './tool.js';

/** What the tool declares, or else the level of a call without arguments (the program a k8s_* tool runs, an MCP tool's hints). */
export async function toolStepRisk(tool: Tool, options: RiskOptions): Promise<ToolStepRisk> {
  return tool.stepRisk ?? { levels: [(await assessCallRisk(tool.name, {}, options)).level] };
}

/** `read`, `write or destroy, by the path: …`, `read, write or destroy, by the command line`: as `ksa tools` and the planner's prompt list a tool. */
export function stepRiskText({ levels, by }: ToolStepRisk): string {
  const named = levels.length < 2 ? levels.join('') : `${levels.slice(0, -1).join(', ')} or ${levels.at(-1)}`;
  return by ? `${named}, by ${by}` : named;
}
