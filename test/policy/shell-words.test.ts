import { describe, expect, it } from 'vitest';
import { classifyShell } from '../../src/policy/index.js';
import { simpleCommands } from '../../src/policy/shell-risk.js';
import { parseShell } from '../../src/tools/index.js';

// Bash reads parts written with no blank between them as one word, whatever quoting or substitution each uses.

// Commands inside a word come first; the command itself is the last.
const wordsOf = async (command: string) => (await simpleCommands(command, parseShell)).commands.at(-1)!.map((word) => word.literal ?? word.text);

describe('simpleCommands: words joined by a backquoted part', () => {
  it.each<[string, string[]]>([
    ['terraform apply --backup=`date +%s`.tfstate', ['terraform', 'apply', '--backup=`date +%s`.tfstate']],
    ['echo a`b`"c"`d`e f', ['echo', 'a`b`"c"`d`e', 'f']],
    ['echo "a"`b` c', ['echo', '"a"`b`', 'c']],
    ['echo x<(true) y', ['echo', 'x<(true)', 'y']],
    ['cat p>q', ['cat', 'p']],
    ['echo a `b` c', ['echo', 'a', '`b`', 'c']],
  ])('%s', async (command, words) => {
    expect(await wordsOf(command)).toEqual(words);
  });

  it('keeps a joined word known only at run time, with the commands it runs', async () => {
    const [word] = (await simpleCommands("ls x`echo rm`", parseShell)).commands.at(-1)!.slice(1);
    expect(word?.literal).toBeUndefined();
    expect(word?.hints).toContain('rm');
  });

  it('still rates a backquote that may make -destroy', async () => {
    expect((await classifyShell('terraform apply -`echo destroy`', parseShell)).level).toBe('destroy');
  });
});
