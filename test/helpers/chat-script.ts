import { contentText, planReply, type FakeReply, type RecordedRequest, type ReplyFunction } from './fake-openai-server.js';

/**
 * Scripted model replies for chat tests over the fake OpenAI-compatible server.
 * A proposal takes three requests: the streamed chat turn calling propose_plan,
 * the planner's JSON request, and the streamed answer after the tool result.
 */

/** A plan that leaves marker files in the workspace: prepare, then lint and unit side by side, then serve (retries, timeout, rollback). */
export function markerPlan(port = 8080) {
  return {
    goal: 'Deploy the marker app',
    steps: [
      { id: 'prepare', name: 'Prepare the workspace', tool: 'shell', args: { command: 'touch marker-prepare' } },
      { id: 'lint', tool: 'shell', args: { command: 'touch marker-lint' }, dependsOn: ['prepare'] },
      { id: 'unit', tool: 'shell', args: { command: 'touch marker-unit' }, dependsOn: ['prepare'] },
      {
        id: 'serve',
        tool: 'shell',
        args: { command: `echo serving on ${port}; touch marker-serve-${port}` },
        dependsOn: ['lint', 'unit'],
        retry: { maxAttempts: 3, initialDelayMs: 100 },
        timeoutMs: 30_000,
        rollback: { tool: 'shell', args: { command: `rm -f marker-serve-${port}` } },
      },
    ],
  };
}

export const REFLECTION = { success: true, summary: 'All four steps succeeded; the app serves.', issues: [], suggestions: ['open http://localhost:8080 to check it'] };

/** The three replies of a proposal: the tool call (with some text first), the plan, the closing answer. */
export function proposal(goal: string, plan: unknown, closing = 'The plan is ready for you.'): FakeReply[] {
  return [{ text: 'Let me plan that.', toolCalls: [{ name: 'propose_plan', arguments: { goal } }] }, planReply(plan), { text: closing }];
}

/** A JSON reply for the reflection request. */
export function reflectionReply(reflection: unknown = REFLECTION): FakeReply {
  return { text: JSON.stringify(reflection) };
}

/** The replies of a question answered with one agent tool call: the call, then an answer made from the tool's result. */
export function toolAnswer(tool: string, args: Record<string, unknown>, answer: (result: unknown) => string): [FakeReply, ReplyFunction] {
  return [{ toolCalls: [{ name: tool, arguments: args }] }, (request) => ({ text: answer(lastToolResult(request)) })];
}

/** The parsed content of the last tool message of a request. */
export function lastToolResult(request: RecordedRequest): unknown {
  const message = request.body.messages.findLast((m) => m.role === 'tool');
  if (!message) return undefined;
  const text = contentText(message);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Which kind of request this is: the chat turn (streamed, with tools), the planner, or the reflection. */
export function requestKind(request: RecordedRequest): 'chat' | 'plan' | 'reflection' | 'other' {
  const name = request.body.response_format?.json_schema?.name;
  if (name === 'plan') return 'plan';
  if (name === 'reflection') return 'reflection';
  if (request.body.stream) return 'chat';
  return 'other';
}
