import type { LanguageModel } from 'ai';
import {
  chatModeFor,
  createChatModel,
  ModelError,
  PlanningError,
  recordCapability,
  toModelError,
  type ChatModeState,
  type ModelCapabilities,
  type ModelConfig,
  type ModelKey,
} from '../agent/index.js';
import type { ToolsHint } from '../agent/chat-mode-info.js';
import { KsaError } from '../planning/index.js';
import { CliError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { loadModelSetup, type ModelSetup } from './model-setup.js';

export type CliModel = {
  readonly config: ModelConfig;
  readonly model: LanguageModel;
  /** What `ksa model check` or an earlier call learnt about this endpoint + model (undefined: nothing yet). */
  readonly capabilities?: ModelCapabilities;
  /** Where to record what a call learns: recordCapability(cacheKey, { tools: false }). */
  readonly cacheKey: ModelKey;
};

/** The configured model; a missing or broken configuration is a usage error (exit 2). */
export async function openModel(env: NodeJS.ProcessEnv, home: string): Promise<CliModel> {
  return modelFromSetup(await loadModelSetup(env, home));
}

/** The chat model of a setup read by loadModelSetup; a call that fails otherwise updates the capability cache. */
export function modelFromSetup(setup: ModelSetup): CliModel {
  const key = setup.cacheKey;
  const model = createChatModel(setup.config, { structured: setup.capabilities?.structured, onCapability: async (update) => void (await recordCapability(key, update)) });
  return { ...setup, model };
}

/**
 * The chat's mode for this endpoint + model: starts without tools when the cache says so, and a
 * switch found during the session (a refusal, or tools ignored) is remembered for the next start.
 */
export function chatModeOf(cli: CliModel): ChatModeState {
  const mode = chatModeFor(cli.config, toolsHint(cli.capabilities));
  mode.onSwitch((info) => void recordCapability(cli.cacheKey, { tools: false, ...(info.reason ? { source: info.reason, toolsSource: info.reason } : {}) }));
  return mode;
}

/** What the capability cache says of tool calling, and how it learnt it. */
export function toolsHint(capabilities: ModelCapabilities | undefined): ToolsHint | undefined {
  if (capabilities?.tools === undefined) return undefined;
  const source = capabilities.toolsSource ?? capabilities.source;
  return { tools: capabilities.tools, ...(source ? { source } : {}) };
}

/** Model failures become one clear line (exit 1): unreachable endpoint, 401, unknown model, timeouts, invalid plans. */
export function modelFailure(error: unknown, config: ModelConfig): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof PlanningError) {
    // The note (a server that cut the prompt) is no problem of the plan: --json gives it as the hint.
    const [first] = error.message.split('\n');
    const details = error.problems.map((problem) => `  ${problem}`);
    return new CliError({ message: first!, details, exitCode: ExitCode.runFailed, cause: error, ...(error.note ? { hint: error.note } : {}) });
  }
  if (KsaError.isInstance(error) && !ModelError.isInstance(error)) return error;
  const modelError = toModelError(error, config);
  return new CliError({ message: modelError.message, exitCode: ExitCode.runFailed, cause: error });
}

export function describeEndpoint(config: ModelConfig): string {
  return `${config.model} at ${config.baseURL}`;
}

