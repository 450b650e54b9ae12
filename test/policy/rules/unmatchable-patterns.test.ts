import { describe, expect, it } from 'vitest';
import { parsePolicy, rulesMatchingNoLine } from '../../../src/policy/rules/index.js';

describe('rules that can never match a command line', () => {
  it('are warned about, with the pattern to write instead', () => {
    const policy = parsePolicy(
      'deny:\n  - kubectl: "kubectl delete *"\n  - http: "delete *"\n  - helm: "helm uninstall *"\n  - http: "https://x.example.com/*"\nask:\n  - kubectl: "delete *"\n  - http: "DELETE *"\n  - shell: "kubectl delete *"\n  - http: "* https://x/*"\n',
      '/ws/.ksa/policy.yaml',
    );
    expect(rulesMatchingNoLine(policy)).toEqual([
      '/ws/.ksa/policy.yaml:2: the deny rule kubectl: "kubectl delete *" never matches, since the command line leaves out the program name: write "delete *"',
      '/ws/.ksa/policy.yaml:3: the deny rule http: "delete *" never matches, since methods are upper case: write "DELETE *"',
      '/ws/.ksa/policy.yaml:4: the deny rule helm: "helm uninstall *" never matches, since the command line leaves out the program name: write "uninstall *"',
      '/ws/.ksa/policy.yaml:5: the deny rule http: "https://x.example.com/*" never matches, since the command line starts with the method: write "* https://x.example.com/*"',
    ]);
  });
});
