import { describe, expect, it } from 'vitest';
import { agentCliFor } from '../helpers/agent-cli.js';
import { describeResult } from '../helpers/cli.js';

// `ksa ask` prints the answer and ends its last line: once, whether or not the answer ended it itself.

describe.concurrent('the end of the answer ksa ask prints', () => {
  it.for([
    ['ends in no newline', 'The shop runs on port 8080.', 'The shop runs on port 8080.\n'],
    ['ends in a newline', 'The shop runs on port 8080.\n', 'The shop runs on port 8080.\n'],
    ['ends in a blank line', 'The shop runs on port 8080.\n\n', 'The shop runs on port 8080.\n\n'],
    ['ends in a newline, streamed in pieces', 'Ports:\n- shop: 8080\n', 'Ports:\n- shop: 8080\n'],
  ])('an answer that %s is printed as it came, its last line ended once: no blank line added', async ([, text, printed], context) => {
    const cli = await agentCliFor(context);
    cli.server.enqueue({ text, chunkSize: 4 });
    const result = await cli.ksa(['ask', 'where does the shop run?']);
    expect(result.code, describeResult(result)).toBe(0);
    expect(result.stdout).toBe(printed);
  });
});
