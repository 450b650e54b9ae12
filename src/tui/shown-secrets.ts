import { createContext, useContext } from 'react';
import type { Plan } from '../planning/schema.js';
import { createRedactor, type Redactor } from '../store/redact.js';
import { planCardRedactor } from './plan-lines.js';

/**
 * The secrets the chat knows (the environment's, the MCP servers'), for what it shows of a plan before approval:
 * the card, the prompt under a card printed above, a decided plan's line. Provided once by the app.
 */
export const ShownSecrets = createContext<Redactor>(createRedactor([]));

/** How a plan's own texts (its goal, arguments, risk reasons) are shown: its secret inputs' values hidden too. */
export function usePlanHiding(plan: Pick<Plan, 'inputs'>): (text: string) => string {
  return planCardRedactor(plan, useContext(ShownSecrets)).text;
}
