import { splitThinking } from './think-text.js';
import { isRecord } from '../planning/values.js';

/**
 * Tool calls a model wrote as text because the server did not turn them into
 * `tool_calls`: `<tool_call>{"name", "arguments"}</tool_call>` (Hermes, Qwen),
 * `[TOOL_CALLS] [...]` (Mistral), `<|python_tag|>{...}` (Llama 3), a fenced ```json block, or the whole answer a bare JSON object. Arguments
 * may be an object or a JSON string. A call is recognised only when its JSON
 * names a tool: a known name, or an explicit call shape (`name` + `arguments`).
 */
export type TextToolCall = {
  readonly name: string;
  /** The arguments as a JSON string, as a provider would hand them over. */
  readonly input: string;
  readonly known: boolean;
};

export type ParsedToolText = {
  /** What the model said besides its calls (reasoning blocks removed). */
  readonly text: string;
  readonly calls: readonly TextToolCall[];
};

const TAGGED = /<tool_call>\s*([\s\S]*?)\s*(?:<\/tool_call>|$)/gi;
/** Mistral's `[TOOL_CALLS] [{…}]` and Llama 3's `<|python_tag|>{…}`: the rest of the answer is the calls. */
const MARKED = /(?:\[TOOL_CALLS\]|<\|python_tag\|>)\s*([\s\S]*?)\s*(?:<\|eom_id\|>|<\|eot_id\|>)?\s*$/;
const FENCED = /```(?:json|JSON|tool_call)?[ \t]*\n?([\s\S]*?)```/g;

export function parseTextToolCalls(raw: string, knownTools: readonly string[]): ParsedToolText {
  const { answer } = splitThinking(raw);
  const known = new Set(knownTools);

  if (/<tool_call>/i.test(answer)) {
    const calls: TextToolCall[] = [];
    for (const match of answer.matchAll(TAGGED)) {
      for (const value of jsonValues(match[1]!)) {
        const call = toCall(value, known, true);
        if (call) calls.push(call);
      }
    }
    if (calls.length) return { text: answer.replace(TAGGED, '').trim(), calls };
  }

  const marked = MARKED.exec(answer);
  if (marked) {
    const calls = jsonValues(marked[1]!).map((value) => toCall(value, known, true));
    if (calls.length && calls.every((call) => call !== undefined)) return { text: answer.slice(0, marked.index).trim(), calls: calls as TextToolCall[] };
  }

  const fenced = [...answer.matchAll(FENCED)];
  if (fenced.length) {
    const calls: TextToolCall[] = [];
    let text = answer;
    for (const match of fenced) {
      const found = jsonValues(match[1]!.trim()).map((value) => toCall(value, known, false));
      if (found.length && found.every((call) => call !== undefined)) {
        calls.push(...(found as TextToolCall[]));
        text = text.replace(match[0], '');
      }
    }
    if (calls.length) return { text: text.trim(), calls };
  }

  const trimmed = answer.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const values = jsonValues(trimmed);
    const calls = values.map((value) => toCall(value, known, false));
    if (calls.length && calls.every((call) => call !== undefined)) return { text: '', calls: calls as TextToolCall[] };
  }
  return { text: answer, calls: [] };
}

/** One JSON value, an array of calls, or `{ "tool_calls": [...] }`, flattened to the candidate call objects. */
function jsonValues(body: string): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [];
  }
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value.tool_calls)) return value.tool_calls;
  return [value];
}

function toCall(value: unknown, known: ReadonlySet<string>, tagged: boolean): TextToolCall | undefined {
  if (!isRecord(value)) return undefined;
  const fn = isRecord(value.function) ? value.function : undefined;
  const name = [value.name, value.tool, value.tool_name, fn?.name].find((candidate): candidate is string => typeof candidate === 'string' && candidate.length > 0);
  if (!name) return undefined;
  const argsKey = ['arguments', 'parameters', 'args', 'input'].find((key) => key in value || (fn && key in fn));
  const args = argsKey ? (value[argsKey] ?? fn?.[argsKey]) : undefined;
  const isKnown = known.has(name);
  // An unknown name counts as a call only when the shape says so; otherwise it is just JSON the model showed.
  if (!isKnown && !tagged && argsKey === undefined) return undefined;
  if (!isKnown && !tagged && !('name' in value || fn)) return undefined;
  const input = typeof args === 'string' ? args : JSON.stringify(args ?? {});
  return { name, input, known: isKnown };
}

/** Where a call written as text begins: a tag or marker (surely a call), a fence, or a JSON object at a line's start. */
const CALL_START = /(<tool_call>|\[TOOL_CALLS\]|<\|python_tag\|>)|```[^\n]*\n|(?:^|\n)[ \t]*(?=[{[])/i;
const NAME_FIELD = /"(?:name|tool|tool_name)"\s*:\s*"((?:[^"\\\n]|\\.)+)"/;
const ARGUMENTS_FIELD = /"(?:arguments|parameters|args|input)"\s*:/;
/** The name said of a tagged call the limit cut before its name was complete. */
export const UNNAMED_CALL = 'a function';

/**
 * A call written as text that the model's output limit cut before its JSON was complete (so parseTextToolCalls finds
 * no call in it): the function it calls, and what was said before it. Like a native call cut mid-arguments it is no
 * call to make nor an answer to show. A tag or marker says it is a call even before its name is written; a fence or a
 * bare object only when it names a known function, or has the shape of a call (a name and arguments).
 */
export function cutTextToolCall(raw: string, knownTools: readonly string[]): { readonly text: string; readonly name: string } | undefined {
  const { answer } = splitThinking(raw);
  const start = CALL_START.exec(answer);
  if (!start) return undefined;
  const tagged = start[1] !== undefined;
  const body = answer.slice(start.index + start[0].length);
  if (!/^\s*[{[]/.test(body) && !(tagged && body.trim() === '')) return undefined;
  const named = NAME_FIELD.exec(body);
  const name = named ? unescaped(named[1]!) : undefined;
  const callShape = named !== null && /"name"\s*:/.test(named[0]) && ARGUMENTS_FIELD.test(body);
  if (!tagged && !(name !== undefined && (knownTools.includes(name) || callShape))) return undefined;
  return { text: answer.slice(0, start.index).trim(), name: name ?? UNNAMED_CALL };
}

function unescaped(jsonText: string): string {
  try {
    return JSON.parse(`"${jsonText}"`) as string;
  } catch {
    return jsonText;
  }
}
