import { describe, expect, it } from 'vitest';
import { assessCallRisk, callNamesSettings, settingsHomeSpellings } from '../../src/policy/index.js';
import { parseShell } from '../../src/tools/index.js';

// ksa's own settings (the user's policy.yaml, config.json, mcp-trust.json in KSA_HOME): a step that
// rewrites one changes what every later plan may do, so it is a destroy step, as for .ksa/policy.yaml.

const settingsHome = settingsHomeSpellings('/home/me/.local/share/ksa', '/home/me');
const rate = (command: string) => assessCallRisk('shell', { command }, { parseShell, settingsHome });

describe('a shell step that writes ksa\'s own settings', () => {
  it.each([
    ["printf 'deny: []\\n' > /home/me/.local/share/ksa/policy.yaml", 'policy.yaml'],
    ["printf 'deny: []\\n' > ~/.local/share/ksa/policy.yaml", 'policy.yaml'],
    ['echo "{}" > $HOME/.local/share/ksa/config.json', 'config.json'],
    ['cp trust.json "$KSA_HOME/mcp-trust.json"', 'mcp-trust.json'],
    ['cd ~/.local/share/ksa && printf x > policy.yaml', 'policy.yaml'],
    // A way into the folder, which a later line writes through as k/policy.yaml.
    ['ln -sfn $KSA_HOME k', 'settings folder'],
    ['ln -s ~/.local/share/ksa k', 'settings folder'],
  ])('%s: destroy', async (command, file) => {
    const risk = await rate(command);
    expect(risk.level).toBe('destroy');
    expect(risk.reason).toContain(`may rewrite ksa's own ${file}`);
  });

  it.each([
    'cat /home/me/.local/share/ksa/policy.yaml',
    'echo x > /home/me/app/config.json',
    'ls ~/.local/share/ksa',
  ])('%s: as before (reading them, or a file of the same name elsewhere)', async (command) => {
    expect((await rate(command)).reason).not.toContain("ksa's own");
  });

  it('spells the home as the user may: the path, ~ and $HOME under the user\'s home, $KSA_HOME', () => {
    expect(settingsHomeSpellings('/home/me/.local/share/ksa/', '/home/me')).toEqual([
      '/home/me/.local/share/ksa',
      '$KSA_HOME',
      '${KSA_HOME}',
      '~/.local/share/ksa',
      '$HOME/.local/share/ksa',
      '${HOME}/.local/share/ksa',
    ]);
    expect(settingsHomeSpellings('/srv/ksa', '/home/me')).toEqual(['/srv/ksa', '$KSA_HOME', '${KSA_HOME}']);
  });
});

describe('a call that names ksa\'s rules, whatever decides its rating', () => {
  it.each([
    ['shell', { command: 'rm -rf build && printf "deny: []\\n" > .ksa/policy.yaml' }],
    ['shell', { command: 'rm .ksa/policy.yaml' }],
    ['shell', { command: 'rm -rf .ksa' }],
    ['shell', { command: 'git rm -q -r .ksa/' }],
    ['shell', { command: 'cd .ksa && rm -f policy.yml' }],
    ['shell', { command: 'rm -rf build; rm "$KSA_HOME/config.json"' }],
    ['shell', { command: 'rm -rf ~/.local/share/ksa' }],
    ['write_file', { path: './.ksa//policy.yaml', content: 'deny: []\n' }],
  ])('%s %j: names them', (tool, args) => {
    expect(callNamesSettings(tool, args, { settingsHome })).toBe(true);
  });

  it.each([
    ['shell', { command: 'rm -rf build' }],
    ['shell', { command: 'git clean -fdx' }],
    ['shell', { command: "rm -rf .k''sa" }],
    ['shell', { command: 'rm -rf build && sh edit.sh' }],
    ['shell', { command: 'rm policy.yaml' }],
    ['write_file', { path: 'policy.yaml', content: 'deny: []\n' }],
    ['kubectl', { args: ['delete', '-f', '.ksa/policy.yaml'] }],
  ])('%s %j: does not', (tool, args) => {
    expect(callNamesSettings(tool, args, { settingsHome })).toBe(false);
  });
});
