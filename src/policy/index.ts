/**
 * Risk per step, a pure layer like src/planning: no I/O. Outer layers pass the bash parser,
 * e.g. `assessPlanRisk(plan, riskOptions(registry))` with `riskOptions` from src/tools.
 */
export type { RiskLevel, StepRisk } from './risk-level.js';
export { RISK_LEVELS, riskRank, maxRisk } from './risk-level.js';
export type { ToolHints, PlanRisk, RiskOptions } from './plan-risk.js';
export { assessPlanRisk, assessStepRisk, assessCallRisk, callNamesSettings, ShellParserMissingError } from './plan-risk.js';
export { settingsHomeSpellings } from './settings-files.js';
export { commandLineOf, callLineOf } from './command-line.js';
export type { CommandOf, ToolCommand } from './tool-command.js';
export type { ShellNode, ShellParser } from './shell-syntax.js';
export { classifyShell } from './shell-risk.js';
export { shellCommands } from './shell-commands.js';
export type { ShellCommand } from './shell-commands.js';
export { commandValues } from './known-expansions.js';
export { sqlRisk } from './sql-risk.js';
