import { loadModelConfig, ModelConfigError, type ModelConfig } from '../agent/config.js';
import { readCapabilities, type ModelCapabilities, type ModelKey } from '../agent/model/capabilities.js';
import { CliError } from './errors.js';

/** The configured endpoint + model and what is known about it, read without loading the model SDK. */
export type ModelSetup = {
  readonly config: ModelConfig;
  /** What `ksa model check` or an earlier call learnt about this endpoint + model (undefined: nothing yet). */
  readonly capabilities?: ModelCapabilities;
  /** Where to record what a call learns: recordCapability(cacheKey, { tools: false }). */
  readonly cacheKey: ModelKey;
};

/** The model configuration and its cached capabilities; a missing or broken configuration is a usage error (exit 2). */
export async function loadModelSetup(env: NodeJS.ProcessEnv, home: string): Promise<ModelSetup> {
  try {
    const config = await loadModelConfig(env, home);
    const cacheKey = { home, baseURL: config.baseURL, model: config.model };
    const known = await readCapabilities(cacheKey);
    return { config, cacheKey, ...(known ? { capabilities: known } : {}) };
  } catch (error) {
    if (error instanceof ModelConfigError) throw new CliError({ message: error.message });
    throw error;
  }
}
