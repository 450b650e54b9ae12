import type { Policy, PolicyRule } from './policy-rule.js';

/** Tools whose command line is their arguments, without the program name. */
const ARGV_TOOLS: ReadonlySet<string> = new Set(['kubectl', 'helm', 'docker', 'podman']);
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Rules whose pattern can never match a command line of their tool, as a typo'd tool name never
 * applies: `kubectl: "kubectl delete *"` (the line has no program name), `http: "delete *"` (the
 * method is upper case), `http: "https://…"` (the line starts with the method).
 */
export function rulesMatchingNoLine(policy: Policy): string[] {
  const warnings: string[] = [];
  for (const rule of policy.rules) {
    const fix = fixFor(rule);
    if (fix) warnings.push(`${rule.source.file}:${rule.source.line}: the ${rule.effect} rule ${rule.tool}: ${JSON.stringify(rule.command)} never matches, ${fix}`);
  }
  return warnings;
}

function fixFor(rule: PolicyRule): string | undefined {
  const [first = '', ...rest] = rule.command.split(' ');
  if (ARGV_TOOLS.has(rule.tool) && first === rule.tool && rest.length > 0) {
    return `since the command line leaves out the program name: write ${JSON.stringify(rest.join(' '))}`;
  }
  if (rule.tool !== 'http') return undefined;
  if (METHODS.has(first.toUpperCase()) && first !== first.toUpperCase()) {
    return `since methods are upper case: write ${JSON.stringify([first.toUpperCase(), ...rest].join(' '))}`;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(first)) return `since the command line starts with the method: write ${JSON.stringify(`* ${rule.command}`)}`;
  return undefined;
}
