import { describe, expect, it } from 'vitest';
import { stderrReason } from '../../../src/tools/mcp/stderr-reason.js';

describe('stderrReason', () => {
  it("takes Node's error line, not its version banner, stack frames or the source line above the caret", () => {
    const crash = [
      'file:///srv/server.mjs:1',
      'throw new Error("bad config: missing TOKEN");',
      '      ^',
      '',
      'Error: bad config: missing TOKEN',
      '    at file:///srv/server.mjs:1:7',
      '    at ModuleJob.run (node:internal/modules/esm/module_job:325:25)',
      '',
      'Node.js v24.11.1',
    ].join('\n');
    expect(stderrReason(crash)).toBe('Error: bad config: missing TOKEN');
  });

  it("takes Python's exception line", () => {
    const traceback = ['Traceback (most recent call last):', '  File "server.py", line 1, in <module>', "ModuleNotFoundError: No module named 'mcp'"].join('\n');
    expect(stderrReason(traceback)).toBe("ModuleNotFoundError: No module named 'mcp'");
  });

  it("skips npm's pointer to its log", () => {
    const npm = ['npm error code E404', 'npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fmcp', 'npm error A complete log of this run can be found in: /root/.npm/_logs/x.log'].join('\n');
    expect(stderrReason(npm)).toBe('npm error 404 Not Found - GET https://registry.npmjs.org/@acme%2fmcp');
  });

  it('falls back to the last line that says something, cut at 200 characters', () => {
    expect(stderrReason('starting\nLAB_TOKEN is not set, cannot start\n\n')).toBe('LAB_TOKEN is not set, cannot start');
    expect(stderrReason(`${'x'.repeat(300)}\n`)).toHaveLength(200);
    expect(stderrReason('\n\n')).toBeUndefined();
  });
});
