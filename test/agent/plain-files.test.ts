import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigFileSchema } from '../../src/agent/config-file.js';
import { plainConfigFile } from '../../src/agent/config.js';
import { FileSchema } from '../../src/agent/model/capabilities-schema.js';
import { plainCapabilityFile } from '../../src/agent/model/capabilities.js';
import { plainSessionSummary } from '../../src/store/conversation-store.js';
import { SessionSummarySchema } from '../../src/store/session-record.js';
import { plainMcpEntry } from '../../src/tools/mcp/config.js';
import { EntrySchema } from '../../src/tools/mcp/config-entries.js';

// The chat's first frame reads config.json and the capability cache without zod when they are plainly valid.
// Whatever the hand checks take, the schema must take too, and return the same data; what they leave to
// the schema is the schema's to judge. Random files mix valid and invalid values in every field.

/** Absent (undefined), or one of the values, valid or not. */
const field = (...values: fc.Arbitrary<unknown>[]) => fc.option(fc.oneof(...values), { nil: undefined });
const junk = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string(), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }));
const urls = fc.oneof(fc.webUrl(), fc.constantFrom('http://localhost:11434/v1', ' http://x/v1', 'http://x/\tv1', 'http:/x', 'not a url', 'file:///tmp', '', 'http://[::1]:8000/v1\n'));
const ints = fc.oneof(fc.integer({ min: -5, max: 20 }), fc.integer(), fc.constantFrom(999, 1000, 1000.5, -0, 2 ** 53, 120_000));
const withExtra = (record: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(record, fc.dictionary(fc.constantFrom('extra', 'comment', '$schema'), junk, { maxKeys: 2 })).map(([known, extra]) => ({ ...extra, ...known }));
const defined = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));

const configFiles = fc.oneof(
  withExtra(
    fc
      .record({ baseURL: field(urls, junk), apiKey: field(fc.string(), junk), model: field(fc.string(), fc.constant(''), junk), timeoutMs: field(ints, junk), maxRetries: field(ints, junk) })
      .map(defined),
  ),
  junk,
);

const probes = fc.record({ capability: fc.oneof(fc.string(), junk), ok: fc.oneof(fc.boolean(), junk), ms: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), junk), detail: field(fc.string(), junk) }).map(defined);
const capabilities = withExtra(
  fc
    .record({
      tools: field(fc.boolean(), junk),
      structured: field(fc.constantFrom('json_schema', 'json_object', 'text', 'xml'), junk),
      streaming: field(fc.boolean(), junk),
      probes: field(fc.array(probes, { maxLength: 3 }), junk),
      updatedAt: field(fc.string(), junk),
      source: field(fc.string(), junk),
    })
    .map(defined),
);
const capabilityFiles = fc.oneof(
  fc.record({ version: fc.oneof(fc.constant(1), junk), models: fc.oneof(fc.dictionary(fc.string({ maxLength: 20 }), capabilities, { maxKeys: 3 }), junk) }),
  junk,
);

/** Required fields: usually a value of the right type, sometimes junk or absent. */
const mostly = (value: fc.Arbitrary<unknown>) => fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: junk }, { weight: 1, arbitrary: fc.constant(undefined) });
const sessionSummaries = fc.oneof(
  withExtra(
    fc
      .record({
        id: mostly(fc.string({ maxLength: 16 })),
        title: mostly(fc.string()),
        createdAt: mostly(fc.string()),
        updatedAt: mostly(fc.string()),
        messageCount: mostly(ints),
      })
      .map(defined),
  ),
  junk,
);

/** Optional fields: often absent, usually valid when present, sometimes junk. */
const maybe = (value: fc.Arbitrary<unknown>) => fc.option(fc.oneof({ weight: 4, arbitrary: value }, { weight: 1, arbitrary: junk }), { nil: undefined, freq: 2 });
const stringMaps = fc.oneof(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }), fc.constant({ ['__proto__']: 'x' }), fc.dictionary(fc.string({ maxLength: 6 }), junk, { maxKeys: 2 }));
const timeouts = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(24 * 60 * 60 * 1000, 24 * 60 * 60 * 1000 + 1, 1.5));
const mcpEntries = fc.oneof(
  withExtra(
    fc
      .record({
        type: fc.option(fc.oneof({ weight: 6, arbitrary: fc.constant('stdio') }, { weight: 1, arbitrary: fc.constantFrom('http', 'websocket') }, { weight: 1, arbitrary: junk }), { nil: undefined, freq: 1 }),
        command: mostly(fc.oneof(fc.string({ maxLength: 12 }), fc.constant(''))),
        args: maybe(fc.oneof(fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }), fc.array(junk, { maxLength: 2 }))),
        env: maybe(stringMaps),
        cwd: maybe(fc.string({ maxLength: 8 })),
        timeoutMs: maybe(timeouts),
        startupTimeoutMs: maybe(timeouts),
      })
      .map(defined),
  ),
  withExtra(
    fc
      .record({
        type: fc.option(fc.oneof({ weight: 6, arbitrary: fc.constantFrom('http', 'streamable-http', 'sse') }, { weight: 1, arbitrary: fc.constant('stdio') }, { weight: 1, arbitrary: junk }), { nil: undefined, freq: 1 }),
        url: mostly(fc.oneof(fc.webUrl(), fc.string({ maxLength: 8 }))),
        headers: maybe(stringMaps),
        timeoutMs: maybe(timeouts),
        startupTimeoutMs: maybe(timeouts),
      })
      .map(defined),
  ),
  junk,
);

/** Whatever `plain` takes, `schema` takes and returns alike; over 3,000 random values both outcomes occur often. */
function agreesWithSchema(values: fc.Arbitrary<unknown>, plain: (value: unknown) => unknown, schema: { safeParse: (value: unknown) => { success: boolean; data?: unknown } }): void {
  let taken = 0;
  let left = 0;
  fc.assert(
    fc.property(values, (value) => {
      const result = plain(value);
      if (result === undefined) return void left++;
      taken++;
      const parsed = schema.safeParse(value);
      expect(parsed.success).toBe(true);
      expect(result).toEqual(parsed.data);
    }),
    { numRuns: 3000, seed: 31 },
  );
  expect(taken).toBeGreaterThan(100);
  expect(left).toBeGreaterThan(100);
}

describe('plainly valid files, checked without zod', () => {
  it('config.json: what plainConfigFile takes, ConfigFileSchema takes and returns alike', () => agreesWithSchema(configFiles, plainConfigFile, ConfigFileSchema));

  it('the capability cache: what plainCapabilityFile takes, FileSchema takes and returns alike', () => agreesWithSchema(capabilityFiles, plainCapabilityFile, FileSchema));

  it('the session index: what plainSessionSummary takes, SessionSummarySchema takes and returns alike', () => agreesWithSchema(sessionSummaries, plainSessionSummary, SessionSummarySchema));

  it('MCP server entries: what plainMcpEntry takes, EntrySchema takes and returns alike', () => agreesWithSchema(mcpEntries, plainMcpEntry, EntrySchema));

  it('typical files are taken as they are', () => {
    expect(plainConfigFile({ baseURL: 'http://localhost:11434/v1', model: 'qwen2.5-coder:7b', timeoutMs: 60000, maxRetries: 2, mcpServers: {} })).toEqual({
      baseURL: 'http://localhost:11434/v1',
      model: 'qwen2.5-coder:7b',
      timeoutMs: 60000,
      maxRetries: 2,
    });
    const cache = { version: 1, models: { 'http://x/v1 m': { tools: false, structured: 'json_object', updatedAt: '2026-12-02T00:00:00.000Z', probes: [{ capability: 'tools', ok: false, ms: 12, detail: '400' }] } } };
    expect(plainCapabilityFile(cache)).toEqual(cache);
    // Left to the schema: its words for a problem.
    expect(plainConfigFile({ timeoutMs: 10 })).toBeUndefined();
    expect(plainCapabilityFile({ version: 2, models: {} })).toBeUndefined();
  });
});
