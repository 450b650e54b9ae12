import { compileGlob, type GlobMatcher } from './command-glob.js';
import { EVERY_OBJECT, everyObjectPatterns, everyObjectReason } from './every-object.js';
import { flagSpelling, flagSubsetPattern } from './flag-spelling.js';
import { patternForms } from './pattern-forms.js';
import type { WorkspaceRoot } from '../workspace-relative.js';
import { describeRuleWithSource, type ApprovalMode, type Policy, type PolicyEffect, type PolicyRule, type StepLevel } from './policy-rule.js';

/** One call a step can make: its own tool call, or its rollback's. */
export type StepCall = {
  readonly role: 'step' | 'rollback';
  readonly tool: string;
  /** The program a tool runs when it is not the tool itself (k8s_rollback runs kubectl): rules for either name apply. */
  readonly program?: string;
  readonly commandLine: string;
  /**
   * Other spellings of the same call, for deny and ask rules only (an allow rule must match
   * what is shown): e.g. `get pods -n prod` for `get pods --namespace=prod`.
   */
  readonly forms?: readonly CallForm[];
  /** A shell line whose quoted text runs nowhere (quotedTextInert): its parts are its forms, not its text split at every `;`. */
  readonly quotedTextInert?: true;
};

/** A call as a deny or ask rule also sees it: under this tool (or program) name, this command line. */
export type CallForm = {
  readonly tool: string;
  readonly program?: string;
  readonly commandLine: string;
  /** A file tool's path made absolute: met only by rules written with an absolute path. */
  readonly absolutePath?: true;
};

/** What the policy needs to know of a step: its risk and the calls it makes. */
export type StepFacts = {
  readonly stepId: string;
  /** Position in plan.steps, for problem paths (`steps[2]`). */
  readonly index: number;
  readonly level: StepLevel;
  /** Why the level, e.g. "rm -rf in a pipeline". */
  readonly reason: string;
  /** Empty for llm_query and condition steps. */
  readonly calls: readonly StepCall[];
};

/** A step's facts (without its calls) and what the policy decided about it. */
export type StepDecision = Omit<StepFacts, 'calls'> & {
  readonly decision: PolicyEffect;
  /** The rule that decided, if a rule did (else the mode and the level did). */
  readonly rule?: PolicyRule;
  /** Which call the rule matched, when it was the rollback's. */
  readonly matched?: StepCall;
  /** Why this decision, in words. */
  readonly why: string;
};

export type PlanDecision = {
  readonly decision: PolicyEffect;
  readonly mode: ApprovalMode;
  /** The highest step level. */
  readonly level: StepLevel;
  readonly why: string;
  readonly steps: readonly StepDecision[];
  readonly denied: readonly StepDecision[];
  /** Ids of `destroy` steps: `--yes` alone never approves them. */
  readonly destroy: readonly string[];
};

const LEVEL_ORDER: readonly StepLevel[] = ['read', 'write', 'destroy'];

export function highestLevel(levels: Iterable<StepLevel>): StepLevel {
  let highest = 0;
  for (const level of levels) highest = Math.max(highest, LEVEL_ORDER.indexOf(level));
  return LEVEL_ORDER[highest]!;
}

/**
 * Deny wins over everything, then ask, then allow. A step no rule decides is
 * decided by the mode and its level: `ask` asks for every step, `read` lets
 * read steps through, `write` everything but destroy. A destroy step is never
 * let through without a question, not even by an allow rule.
 */
export function decidePlan(steps: readonly StepFacts[], policy: Policy, mode: ApprovalMode, realPath?: (absolute: string) => string): PlanDecision {
  const workspace = policy.workspace === undefined ? undefined : { path: policy.workspace, ...(realPath ? { realPath } : {}) };
  const decided = steps.map((step) => decideStep(step, policy.rules, mode, workspace));
  const denied = decided.filter((step) => step.decision === 'deny');
  const asking = decided.filter((step) => step.decision === 'ask');
  const level = highestLevel(steps.map((step) => step.level));
  const destroy = steps.filter((step) => step.level === 'destroy').map((step) => step.stepId);
  let decision: PolicyEffect;
  let why: string;
  if (denied.length > 0) {
    decision = 'deny';
    why = `${denied.length === 1 ? 'a step is' : `${denied.length} steps are`} denied by the policy (${denied.map((step) => step.stepId).join(', ')})`;
  } else if (mode === 'ask') {
    decision = 'ask';
    why = 'every plan asks (--approve ask)';
  } else if (asking.length > 0) {
    decision = 'ask';
    // A step an `ask` rule holds back names the rule: the mode alone would have let it through.
    const named = asking.map((step) => (step.rule ? `${step.stepId} (always asked by ${describeRuleWithSource(step.rule)})` : step.stepId));
    why = `${named.join(', ')} need${asking.length === 1 ? 's' : ''} approval (--approve ${mode})`;
  } else {
    decision = 'allow';
    why = mode === 'read' ? 'every step is read-only or allowed by a rule (--approve read)' : 'no step destroys anything and no rule asks (--approve write)';
  }
  return { decision, mode, level, why, steps: decided, denied, destroy };
}

/** `workspace`: where file tools resolve paths, so a rule naming `<workspace>/.env` (or the workspace through a link) meets the path `.env`. */
export function decideStep(step: StepFacts, rules: readonly PolicyRule[], mode: ApprovalMode, workspace?: WorkspaceRoot): StepDecision {
  const base = { stepId: step.stepId, index: step.index, level: step.level, reason: step.reason };
  for (const effect of ['deny', 'ask'] as const) {
    for (const call of step.calls) {
      let met: Met | undefined;
      const rule = rules.find((candidate) => candidate.effect === effect && (met = matchesAnyPart(candidate, call, workspace)) !== undefined);
      if (rule) {
        const shown = call.program === undefined ? `${call.tool} ${call.commandLine}` : `${call.tool}: ${call.program} ${call.commandLine}`;
        const what = call.role === 'rollback' ? `its rollback (${shown})` : shown;
        // Met only as picking every object, the call does not name the rule's: say why it is held to it.
        const picked = met === 'every object' ? `; ${everyObjectReason(call.commandLine)}` : '';
        return { ...base, decision: effect, rule, ...(call.role === 'rollback' ? { matched: call } : {}), why: `${what}: ${effect === 'deny' ? 'denied' : 'always asked'} by ${describeRuleWithSource(rule)}${picked}` };
      }
    }
  }
  const own = step.calls.find((call) => call.role === 'step');
  const allowedBy = own ? rules.find((candidate) => candidate.effect === 'allow' && matchesWhole(candidate, own)) : undefined;
  if (step.level === 'destroy') {
    return { ...base, decision: 'ask', why: `destroy step (${step.reason}): always asked; --yes needs --allow-destroy` };
  }
  if (allowedBy) return { ...base, decision: 'allow', rule: allowedBy, why: `allowed by ${describeRuleWithSource(allowedBy)}` };
  if (mode === 'ask') return { ...base, decision: 'ask', why: 'no rule; --approve ask asks for every step' };
  if (mode === 'read' && step.level !== 'read') return { ...base, decision: 'ask', why: `${step.level} step; --approve read lets only read steps through` };
  return { ...base, decision: 'allow', why: `${step.level} step; --approve ${mode} lets it through` };
}

/** A denied step as a validation problem: where (the step, or its rollback) and why, with the rule and its file:line. */
export type PolicyIssue = { readonly code: 'policy_denied'; readonly path: (string | number)[]; readonly message: string };

export function denialIssues(decision: PlanDecision): PolicyIssue[] {
  return decision.denied.map((step) => ({
    code: 'policy_denied',
    path: step.matched?.role === 'rollback' ? ['steps', step.index, 'rollback'] : ['steps', step.index],
    message: `${step.why}; the permission policy forbids it: leave it out or do it another way`,
  }));
}

/** Separators of a shell command line: each part is checked by deny and ask rules on its own. */
const SHELL_SEPARATORS = /\s*(?:&&|\|\||[;|&\n]|\$\(|`|\))\s*/;
/** An allow rule never covers a compound shell command: what follows a separator could be anything. */
const COMPOUND_SHELL = /&&|\|\||[;|&\n`]|\$\(|<\(|>\(/;

function matchesTool(rule: PolicyRule, call: CallForm): boolean {
  // A rule meets the same few tool names for every form of every call: each is looked at once per rule.
  const known = matchersOf(rule).tools;
  const key = call.program === undefined ? call.tool : `${call.tool}\0${call.program}`;
  let met = known.get(key);
  if (met === undefined) {
    const matches = compileGlob(rule.tool);
    met = matches(call.tool) || (call.program !== undefined && matches(call.program));
    known.set(key, met);
  }
  return met;
}

function matchesWhole(rule: PolicyRule, call: StepCall): boolean {
  if (!matchesTool(rule, call)) return false;
  if (call.tool === 'shell' && COMPOUND_SHELL.test(call.commandLine)) return false;
  return compileGlob(rule.command, rule.effect)(call.commandLine);
}

// Every rule is matched against every reading of every command: each line's flag spelling is worked out once, and
// each rule's matchers (matchersOf), not once per rule (a line of many commands read many ways meets each rule thousands of times).
const flagSpellings = new Map<string, string>();

type RuleMatchers = {
  readonly whole: GlobMatcher;
  readonly subset: GlobMatcher;
  readonly forms: (tool: string, workspace: WorkspaceRoot | undefined) => readonly GlobMatcher[];
  /** Its kubectl objects' names as EVERY_OBJECT (everyObjectPatterns), made when a call first picks objects other than by name. */
  readonly everyObject: () => readonly GlobMatcher[];
  /** Whether its tool glob meets a call's tool (and program), by those names. */
  readonly tools: Map<string, boolean>;
};
const ruleMatchers = new WeakMap<PolicyRule, RuleMatchers>();

/** A rule's matchers, made once per rule: the whole pattern, its flag-subset form, its path and URL forms per tool. */
function matchersOf(rule: PolicyRule): RuleMatchers {
  const known = ruleMatchers.get(rule);
  if (known !== undefined) return known;
  // Per workspace object, held no longer than it is: each policy decision makes its own.
  const forms = new WeakMap<WorkspaceRoot, Map<string, readonly GlobMatcher[]>>();
  const noWorkspace = new Map<string, readonly GlobMatcher[]>();
  let everyObject: readonly GlobMatcher[] | undefined;
  const made: RuleMatchers = {
    whole: compileGlob(rule.command, rule.effect),
    subset: compileGlob(flagSubsetPattern(rule.command), rule.effect),
    forms: (tool, workspace) => {
      const byTool = workspace === undefined ? noWorkspace : (forms.get(workspace) ?? new Map<string, readonly GlobMatcher[]>());
      if (workspace !== undefined) forms.set(workspace, byTool);
      let matchers = byTool.get(tool);
      if (matchers === undefined) {
        matchers = patternForms(rule.command, tool, workspace).map((pattern) => compileGlob(pattern, rule.effect));
        byTool.set(tool, matchers);
      }
      return matchers;
    },
    everyObject: () => (everyObject ??= everyObjectPatterns(rule.command).flatMap((pattern) => compiledOrNone(pattern, rule))),
    tools: new Map(),
  };
  ruleMatchers.set(rule, made);
  return made;
}

/** A pattern made from a rule's: none when cutting the rule's words apart left it no glob (`{ns prod,pod web}`). */
function compiledOrNone(pattern: string, rule: PolicyRule): GlobMatcher[] {
  try {
    return [compileGlob(pattern, rule.effect)];
  } catch {
    return [];
  }
}

function remembered(known: Map<string, string>, text: string, spell: (text: string) => string): string {
  let spelled = known.get(text);
  if (spelled === undefined) {
    if (known.size >= 50_000) known.clear();
    spelled = spell(text);
    known.set(text, spelled);
  }
  return spelled;
}

/** How a rule meets a call: as written or in another of its forms, or only as a call that picks every object of a kind. */
type Met = 'form' | 'every object';

function matchesAnyPart(rule: PolicyRule, call: StepCall, workspace: WorkspaceRoot | undefined): Met | undefined {
  const split = call.quotedTextInert !== true;
  let met: Met | undefined;
  for (const form of [call, ...(call.forms ?? [])]) {
    met = matchesForm(rule, form, split, workspace) ?? met;
    if (met === 'form') return met;
  }
  return met;
}

function matchesForm(rule: PolicyRule, call: CallForm, split: boolean, workspace: WorkspaceRoot | undefined): Met | undefined {
  if (!matchesTool(rule, call)) return undefined;
  if (call.absolutePath && !/^\{?\//.test(rule.command)) return undefined;
  const matchers = matchersOf(rule);
  const matches = matchers.whole;
  if (matches(call.commandLine)) return call.commandLine.includes(EVERY_OBJECT) ? 'every object' : 'form';
  // `delete ns --all` is also `delete ns %every%`: a rule naming one of the kind's objects meets it in that form.
  if (call.commandLine.includes(EVERY_OBJECT) && matchers.everyObject().some((form) => form(call.commandLine))) return 'every object';
  // The rule's path or URL written the long way (`x/../secrets/*`, an upper-case host) meets the call's resolved form.
  if (matchers.forms(call.tool, workspace).some((form) => form(call.commandLine))) return 'form';
  if (matchers.subset(remembered(flagSpellings, call.commandLine, flagSpelling))) return 'form';
  if (call.tool !== 'shell' || !split) return undefined;
  const parts = call.commandLine.split(SHELL_SEPARATORS).map((part) => part.trim());
  return parts.some((part) => part !== '' && matches(part)) ? 'form' : undefined;
}
