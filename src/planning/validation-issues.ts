// What validation reports: each problem with its code and the path to it in the plan.

export type IssueCode =
  | 'invalid_document'
  | 'invalid_field'
  | 'unknown_field'
  | 'too_many_steps'
  | 'duplicate_id'
  | 'unknown_dependency'
  | 'self_dependency'
  | 'cycle'
  | 'unknown_tool'
  | 'invalid_args'
  | 'invalid_expression'
  | 'unknown_reference'
  | 'not_an_ancestor'
  | 'unknown_input'
  | 'invalid_input'
  /** An input declared without a value (`image:`) that a step reads, not given with --input. */
  | 'missing_input'
  | 'env_not_allowed'
  | 'mcp_on_worker'
  /** What the plan's YAML text says differently from what it means (a tag, read by the CLI, reported like the others). */
  | 'yaml_tag'
  /** An unquoted `{{ … }}`, which YAML reads as a map (found by the CLI in the text). */
  | 'unquoted_template'
  /** A key given twice in one map of the plan's text (found by the CLI). */
  | 'duplicate_key'
  /** A step the user's permission policy denies (checked outside validation, reported like it). */
  | 'policy_denied';

export type IssuePath = readonly (string | number)[];

export type ValidationIssue = {
  readonly code: IssueCode;
  readonly path: IssuePath;
  readonly message: string;
};

/** In the plan's order: the plan's own fields first, then each step's, each in the order found. */
export function sortIssues(issues: ValidationIssue[]): ValidationIssue[] {
  const rank = (issue: ValidationIssue) => (issue.path[0] === 'steps' && typeof issue.path[1] === 'number' ? issue.path[1] : -1);
  return issues
    .map((issue, order) => ({ issue, order }))
    .sort((a, b) => rank(a.issue) - rank(b.issue) || a.order - b.order)
    .map(({ issue }) => issue);
}

/** `steps[3].dependsOn[0]`, `inputs["my key"]`. */
export function formatPath(path: IssuePath): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out || '(plan)';
}

export function formatIssue(issue: ValidationIssue): string {
  return `${formatPath(issue.path)}: ${issue.message}`;
}
