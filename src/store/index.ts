export { ksaHome, runDir, stepLogDir, ensurePrivateDir } from './paths.js';
export { StepLogs } from './step-logs.js';
