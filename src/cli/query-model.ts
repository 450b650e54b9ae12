import type { Plan, QueryModel } from '../planning/index.js';
import { CliError } from './errors.js';
import type { CliIO } from './io.js';

/**
 * A model for the plan's llm_query steps, if it has any; without a configured
 * endpoint the run is refused up front. The model SDK loads only for such plans.
 */
export async function queryModelFor(io: CliIO, plan: Plan, home: string): Promise<QueryModel | undefined> {
  if (!plan.steps.some((step) => step.type === 'llm_query')) return undefined;
  const [{ openModel }, { createQueryModel }] = await Promise.all([import('./model.js'), import('../agent/index.js')]);
  try {
    const { config, model } = await openModel(io.env, home);
    return createQueryModel(model, config);
  } catch (error) {
    if (error instanceof CliError) throw new CliError({ message: `the plan has llm_query steps, which need a model: ${error.message}` });
    throw error;
  }
}
