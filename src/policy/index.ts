export type { RiskLevel, StepRisk } from './risk-level.js';
export { RISK_LEVELS, riskRank, maxRisk } from './risk-level.js';
export type { ToolHints, PlanRisk, RiskOptions } from './plan-risk.js';
export { assessPlanRisk, assessStepRisk, assessCallRisk, ShellParserMissingError } from './plan-risk.js';
export { commandLineOf, callLineOf } from './command-line.js';
export type { ShellNode, ShellParser } from './shell-syntax.js';
export { classifyShell } from './shell-risk.js';
export { sqlRisk } from './sql-risk.js';
