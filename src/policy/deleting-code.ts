/**
 * Code that deletes things or runs commands: inline code (python -c, perl -e, node -e, ruby -e,
 * deno eval), an awk program, a command git or tar is told to run. Such code is a destroy step.
 */
export const DELETING_CODE =
  /\b(rmtree|unlink(Sync)?|rmSync|rmdirSync|remove\w*|rm_rf?|rmdir|truncate|DROP\s+(TABLE|DATABASE)|rm\s+-[a-zA-Z]*[rf])\b|File\.delete|Files\.delete|os\.system|subprocess|child_process|exec(Sync)?\s*\(|system\s*\(/i;
