import { createOpenAI } from '@ai-sdk/openai';
import { extractJsonMiddleware, wrapLanguageModel, type LanguageModel } from 'ai';
import type { ModelConfig } from './config.js';

/**
 * The Chat Completions API (`.chat()`), not OpenAI's Responses API, so any
 * OpenAI-compatible server works: OpenAI, Ollama, vLLM, LM Studio, llama.cpp.
 */
export function createChatModel(config: ModelConfig): LanguageModel {
  return createOpenAI({ baseURL: config.baseURL, apiKey: config.apiKey, name: 'openai' }).chat(config.model);
}

/**
 * For structured output: local models often wrap their JSON in ``` fences or
 * add a sentence around it. Only the JSON object is kept.
 */
export function withJsonExtraction(model: LanguageModel): LanguageModel {
  if (typeof model === 'string') return model;
  return wrapLanguageModel({ model: model as Parameters<typeof wrapLanguageModel>[0]['model'], middleware: extractJsonMiddleware({ transform: extractJsonText }) });
}

export function extractJsonText(text: string): string {
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(text);
  const body = (fenced ? fenced[1]! : text).trim();
  if (body.startsWith('{') || body.startsWith('[')) return body;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  return start >= 0 && end > start ? body.slice(start, end + 1) : body;
}

/** Model options every ksa call uses: non-strict JSON schema (plan arguments are free-form per tool). */
export const STRUCTURED_PROVIDER_OPTIONS = { openai: { strictJsonSchema: false } } as const;
