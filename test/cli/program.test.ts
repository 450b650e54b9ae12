import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const io = () => ({ stdout: new PassThrough(), stderr: new PassThrough(), stdin: Readable.from([]), env: {}, cwd: process.cwd() });

describe('the commands', () => {
  // src/cli.ts starts `ksa` and `ksa chat` without commander, passing the chat `{}`: what commander passes it for no arguments.
  it.each([[['chat']], [['chat', '--debug']]])('%j gives the chat command no options', async (args) => {
    const program = buildProgram(io(), () => {}).exitOverride();
    let given: unknown;
    program.commands.find((command) => command.name() === 'chat')!.action((flags: unknown) => {
      given = flags;
    });
    await program.parseAsync(['node', 'ksa', ...args]);
    expect(given).toEqual({});
  });
});
