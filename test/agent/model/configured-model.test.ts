import { describe, expect, it } from 'vitest';
import { isConfiguredModel } from '../../../src/agent/index.js';

describe('the configured model in a list of served models', () => {
  it("a name without a tag is Ollama's :latest of it; a tag given must match", () => {
    expect(isConfiguredModel('llama3.2:latest', 'llama3.2')).toBe(true);
    expect(isConfiguredModel('llama3.2', 'llama3.2')).toBe(true);
    expect(isConfiguredModel('llama3.2:3b', 'llama3.2')).toBe(false);
    expect(isConfiguredModel('llama3.2:latest', 'llama3.2:3b')).toBe(false);
    expect(isConfiguredModel('gpt-4o-mini', 'gpt-4o')).toBe(false);
  });
});
