import type { RiskOptions } from '../policy/index.js';
import { settingsHomeSpellings } from '../policy/settings-files.js';
import { ksaHome, userHome } from '../store/paths.js';
import type { ToolRegistry } from './registry.js';
import { realPathOf } from './real-path.js';
import { parseShell } from './shell-parser.js';

/**
 * What `assessPlanRisk` needs from this layer: the bash parser, the tools' annotations and the program
 * calls they make, where ksa's own settings live (a step rewriting them is a destroy step), and the workspace's
 * absolute path, where known (a script run by its absolute path there is the plan's).
 */
export function riskOptions(registry: ToolRegistry, env: NodeJS.ProcessEnv = process.env, workspace?: string): RiskOptions {
  return {
    ...(workspace === undefined ? {} : { workspace }),
    realPath: realPathOf,
    parseShell,
    toolHints: (name) => registry.get(name)?.annotations,
    commandOf: (name, args) => registry.get(name)?.command?.(args),
    settingsHome: settingsHomeSpellings(ksaHome(env), userHome(env)),
  };
}
