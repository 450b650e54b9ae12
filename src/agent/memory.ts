import type { ModelMessage } from 'ai';
import type { Message } from '../store/index.js';
import { plural } from '../planning/plural.js';
import { withoutSecretInputs } from './secret-inputs.js';

export const DEFAULT_CONTEXT_TOKENS = 6_000;
const MAX_TOOL_RESULT_CHARS = 1_500;

/** Roughly four characters a token: good enough to keep a prompt inside a budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The conversation as model messages, newest kept first until the token
 * budget is spent; what falls out is replaced by a short digest (the runs,
 * plans and reflections it held), so the model still knows they happened.
 */
export function buildContext(messages: readonly Message[], budgetTokens = DEFAULT_CONTEXT_TOKENS): ModelMessage[] {
  const latestPlan = [...messages].reverse().find((message) => message.kind === 'plan');
  const out: ModelMessage[] = [];
  let used = 0;
  let cut = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const converted = toModelMessage(messages[i]!, messages[i] === latestPlan);
    if (!converted) continue;
    const cost = estimateTokens(typeof converted.content === 'string' ? converted.content : JSON.stringify(converted.content));
    if (used + cost > budgetTokens && out.length > 0) {
      cut = i + 1;
      break;
    }
    used += cost;
    out.unshift(converted);
  }
  if (cut > 0) out.unshift({ role: 'user', content: digest(messages.slice(0, cut)) });
  return mergeRoles(out);
}

function toModelMessage(message: Message, isLatestPlan: boolean): ModelMessage | undefined {
  switch (message.kind) {
    case 'user':
      return { role: 'user', content: message.text };
    case 'assistant':
      return message.text.trim() ? { role: 'assistant', content: message.text } : undefined;
    case 'tool_call':
      return undefined;
    case 'tool_result': {
      const text = JSON.stringify(message.output);
      return { role: 'assistant', content: `[${message.tool} ${message.isError ? 'failed' : 'returned'}: ${text.length > MAX_TOOL_RESULT_CHARS ? `${text.slice(0, MAX_TOOL_RESULT_CHARS)}…` : text}]` };
    }
    case 'plan':
      return {
        role: 'assistant',
        content: isLatestPlan
          ? `[proposed plan ${message.planId}${message.changes ? ` (revised: ${message.changes.replace(/\n/g, '; ')})` : ''}: ${JSON.stringify(withoutSecretInputs(message.plan))}]`
          : `[earlier plan ${message.planId}: "${message.plan.goal}", ${message.plan.steps.length} steps]`,
      };
    case 'approval':
      return { role: 'user', content: `[${message.decision} plan ${message.planId}${message.runId ? `; started run ${message.runId}` : ''}]` };
    case 'run':
      return { role: 'assistant', content: `[run ${message.runId}: ${message.status}]` };
    case 'reflection': {
      const r = message.reflection;
      return {
        role: 'assistant',
        content: `[reflection on run ${message.runId}: ${r.summary}${r.issues.length ? ` Issues: ${r.issues.join('; ')}.` : ''}${r.suggestions.length ? ` Suggestions: ${r.suggestions.join('; ')}.` : ''}]`,
      };
    }
    case 'summary':
      return { role: 'user', content: `[summary of the earlier conversation: ${message.text}]` };
  }
}

function digest(messages: readonly Message[]): string {
  const goals: string[] = [];
  const plans: string[] = [];
  const runs: string[] = [];
  const reflections: string[] = [];
  for (const m of messages) {
    if (m.kind === 'user') goals.push(`"${m.text.slice(0, 60)}"`);
    else if (m.kind === 'plan') plans.push(`${m.planId} "${m.plan.goal}" (${plural(m.plan.steps.length, 'step')})`);
    else if (m.kind === 'run') runs.push(`${m.runId} ${m.status}`);
    else if (m.kind === 'reflection') reflections.push(`${m.runId}: ${m.reflection.summary.slice(0, 120)}`);
  }
  const parts = [`[${messages.length} earlier messages left out to save space.`];
  if (goals.length) parts.push(`The user asked: ${goals.slice(-5).join(', ')}.`);
  if (plans.length) parts.push(`Plans: ${plans.slice(-5).join(', ')}.`);
  if (runs.length) parts.push(`Runs: ${runs.slice(-5).join(', ')}.`);
  if (reflections.length) parts.push(`Reflections: ${reflections.slice(-3).join('; ')}.`);
  return `${parts.join(' ')}]`;
}

/** Providers want alternating roles; consecutive messages of one role are joined. */
function mergeRoles(messages: ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const message of messages) {
    const last = out.at(-1);
    if (last && last.role === message.role && typeof last.content === 'string' && typeof message.content === 'string' && (message.role === 'user' || message.role === 'assistant')) {
      out[out.length - 1] = { role: message.role, content: `${last.content}\n\n${message.content}` } as ModelMessage;
    } else {
      out.push(message);
    }
  }
  return out;
}
