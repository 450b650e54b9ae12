import { describe, expect, it } from 'vitest';
import { globMatches, parsePolicy, PolicyFileError } from '../../../src/policy/rules/index.js';

function problemOf(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyFileError);
    return (error as Error).message;
  }
  throw new Error('parsed without a problem');
}

describe('parsePolicy', () => {
  it('reads allow, ask and deny lists in file order, each rule with its line', () => {
    const policy = parsePolicy(
      `# team rules
deny:
  - kubectl: "delete *"
  - { shell: "rm -rf /*" }
ask:
  - kubectl: "* -n prod *"
allow: [ { shell: "npm test" }, { kubectl: "get *" }, "github__*" ]
`,
      '/home/me/.ksa/policy.yaml',
    );
    expect(policy.files).toEqual(['/home/me/.ksa/policy.yaml']);
    expect(policy.rules.map((rule) => [rule.effect, rule.tool, rule.command, rule.source.line])).toEqual([
      ['deny', 'kubectl', 'delete *', 3],
      ['deny', 'shell', 'rm -rf /*', 4],
      ['ask', 'kubectl', '* -n prod *', 6],
      ['allow', 'shell', 'npm test', 7],
      ['allow', 'kubectl', 'get *', 7],
      ['allow', 'github__*', '*', 7],
    ]);
    expect(policy.rules[0]!.source.file).toBe('/home/me/.ksa/policy.yaml');
  });

  it('an empty file, a comment-only file and empty lists are no rules', () => {
    expect(parsePolicy('', 'p.yaml').rules).toEqual([]);
    expect(parsePolicy('# nothing yet\n', 'p.yaml').rules).toEqual([]);
    expect(parsePolicy('deny:\nallow: []\n', 'p.yaml').rules).toEqual([]);
  });

  it.each([
    ['deny:\n  - kubectl: "delete *"\n  - kubectl: [get\n', /^policy\.yaml:\d+: YAML syntax error/],
    ['- kubectl: "get *"\n', /^policy\.yaml:1: expected a map with allow, ask and deny lists/],
    ['allow:\n  - shell: "npm test"\nforbid:\n  - shell: "rm *"\n', /^policy\.yaml:3: unknown key "forbid"; a policy has only allow, ask and deny lists/],
    ['deny: { kubectl: "delete *" }\n', /^policy\.yaml:1: deny must be a list of rules/],
    ['deny:\n  - { kubectl: "delete *", helm: "uninstall *" }\n', /^policy\.yaml:2: a rule is a map with exactly one key, the tool name .* this one has 2/],
    ['ask:\n  - kubectl: ""\n', /^policy\.yaml:2: the command-line pattern of kubectl must be a non-empty string/],
    ['ask:\n  - kubectl: 3\n', /^policy\.yaml:2: the command-line pattern of kubectl must be a non-empty string/],
    ['ask:\n  - [kubectl, "get *"]\n', /^policy\.yaml:2: a rule is a one-key map from a tool to a command-line pattern/],
    ['allow:\n  - &a { shell: "npm test" }\n  - *a\n', /^policy\.yaml:3: aliases are not allowed/],
    ['deny:\n  - kubectl: "a"\n  - kubectl: "b"\ndeny:\n  - kubectl: "c"\n', /^policy\.yaml:4: YAML syntax error: Map keys must be unique/],
    ['ask:\n  - kubectl: * -n prod *\n', /^policy\.yaml:2: YAML syntax error: .*\(a pattern that starts with \* must be quoted: kubectl: "\* -n prod \*"\)$/],
    ['deny:\n  - shell: *a*b\n', /^policy\.yaml:2: aliases are not allowed in policy files; write each rule out \(a pattern that starts with \* must be quoted/],
  ])('a malformed policy is one line with file:line: %j', (text, expected) => {
    const message = problemOf(text);
    expect(message).toMatch(expected);
    expect(message).not.toContain('\n');
  });
});

describe('rules that could take for ever to match', () => {
  it('are refused when the file is read, naming the file and line of the rule', () => {
    expect(problemOf('deny:\n  - shell: "rm -rf /x"\n  - shell: "+(a|*)*+(b|*)*"\n')).toMatch(/^policy\.yaml:3: .*invalid pattern "\+\(a\|\*\)\*\+\(b\|\*\)\*": a \* or a repeat inside/);
    expect(problemOf('ask:\n  - shell: "*+(x)*+(x)*+(x)*+(z)"\n')).toMatch(/^policy\.yaml:2: .*at most 3 \* or repeats/);
    // A deny rule's flags are also matched as a cluster (*([A-Za-z])r…): that reading is checked too, and stays in bounds.
    expect(parsePolicy('deny:\n  - shell: "*@(rm|shred) -rf *"\n', 'policy.yaml').rules).toHaveLength(1);
  });
});

describe('a JSON rule over an MCP call with a list and many *', () => {
  it('is accepted, its brackets read as the characters they are, and matches the call it names', () => {
    const json = '{"labels":["urgent"],"owner":"*","repo":"*","title":"*","body":"*"}';
    for (const effect of ['deny', 'ask', 'allow'] as const) {
      const policy = parsePolicy(`${effect}:\n  - gh__x: '${json}'\n`, 'policy.yaml');
      expect(policy.rules).toHaveLength(1);
    }
    const call = (labels: string) => `{"labels":[${labels}],"owner":"me","repo":"shop","title":"Fix, now","body":"x"}`;
    expect(globMatches(json, call('"urgent"'), 'deny')).toBe(true);
    expect(globMatches(json, call('"later"'), 'deny')).toBe(false);
    expect(globMatches('{"paths":["/*"],"a":"*","b":"*","c":"*"}', '{"paths":["/etc"],"a":"1","b":"2","c":"3"}', 'deny')).toBe(true);
  });
});

describe('a JSON rule over an MCP call reads its braces as JSON', () => {
  const call = (labels: string) => `{"labels":[${labels}],"owner":"me","repo":"shop","title":"Fix, now","body":"x"}`;

  it('a brace choice inside a list beside four * is accepted and matches either choice', () => {
    const json = '{"labels":["{urgent,p1}"],"owner":"*","repo":"*","title":"*","body":"*"}';
    for (const effect of ['deny', 'ask', 'allow'] as const) expect(parsePolicy(`${effect}:\n  - gh__x: '${json}'\n`, 'policy.yaml').rules).toHaveLength(1);
    for (const effect of ['deny', 'allow'] as const) {
      expect(globMatches(json, call('"urgent"'), effect)).toBe(true);
      expect(globMatches(json, call('"p1"'), effect)).toBe(true);
      expect(globMatches(json, call('"later"'), effect)).toBe(false);
    }
  });

  it.each([
    ['{"owner":"me","repo":"shop"}', '{"owner":"me","repo":"shop"}', true],
    ['{"owner":"me","repo":"shop"}', '"owner":"me"', false],
    ['{"owner":"me","repo":"shop"}', '{"owner":"me","repo":"shop2"}', false],
    ['{"labels":["urgent"],"owner":"me"}', '{"labels":["urgent"],"owner":"me"}', true],
    ['{"filter":{"state":"open","sort":"*"}}', '{"filter":{"state":"open","sort":"new"}}', true],
    ['{"ids":[1,2],"force":*}', '{"ids":[1,2],"force":true}', true],
    ['{"repo":"{shop,web}","force":{true,false}}', '{"repo":"web","force":false}', true],
    ['{"repo":"*","n":[0-9]}', '{"repo":"x","n":7}', true],
  ])('allow %s matches %s: %s', (pattern, line, expected) => {
    expect(globMatches(pattern, line, 'allow')).toBe(expected);
  });
});
