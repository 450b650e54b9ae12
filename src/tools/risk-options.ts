import type { RiskOptions } from '../policy/index.js';
import type { ToolRegistry } from './registry.js';
import { parseShell } from './shell-parser.js';

/** What `assessPlanRisk` needs from this layer: the bash parser, the tools' annotations and the program calls they make. */
export function riskOptions(registry: ToolRegistry): RiskOptions {
  return { parseShell, toolHints: (name) => registry.get(name)?.annotations, commandOf: (name, args) => registry.get(name)?.command?.(args) };
}
