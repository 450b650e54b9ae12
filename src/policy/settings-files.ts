/**
 * ksa's own control files in its home folder: the user's policy (whose deny rules every plan is held
 * to), config.json (whose MCP servers start without a trust step) and mcp-trust.json. A step that
 * rewrites one changes what later plans may do, as one rewriting the workspace's `.ksa/policy.yaml`
 * does: it is a destroy step, always asked.
 */
const SETTINGS_FILE = /(^|[^\w.-])(policy\.ya?ml|config\.json|mcp-trust\.json)\b/;

/** The spellings of the home folder a shell line may use: its path, `~/…` or `$HOME/…` under the user's home, `$KSA_HOME`. */
export function settingsHomeSpellings(home: string, userHome: string | undefined): string[] {
  const dir = home.replace(/\/+$/, '');
  const spellings = [dir, '$KSA_HOME', '${KSA_HOME}'];
  if (userHome && (dir === userHome || dir.startsWith(`${userHome}/`))) {
    const rest = dir.slice(userHome.length);
    spellings.push(`~${rest}`, `$HOME${rest}`, `\${HOME}${rest}`);
  }
  return spellings;
}

/**
 * The settings file a shell line names with the home folder (together or apart, as `cd ~/.local/share/ksa && … >
 * policy.yaml`), if any; the folder itself when the line names it with no such file (`ln -s $KSA_HOME k` makes a
 * way into it that a later line writes through as `k/policy.yaml`).
 */
export function settingsFileMention(command: string, spellings: readonly string[]): string | undefined {
  if (!spellings.some((home) => command.includes(home))) return undefined;
  return SETTINGS_FILE.exec(command)?.[2] ?? 'settings folder';
}
