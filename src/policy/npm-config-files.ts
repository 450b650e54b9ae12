/**
 * A project's `.npmrc`, beside its package.json, holds settings npm applies to every command run there
 * (`workspaces=true` runs `npm run build` in each workspace), as `npm_config_*` variables do.
 */

/** The settings that run a command in the workspaces, as a config file spells them (`workspace[]=web`, `include-workspace-root`). */
const WORKSPACE_KEY = /^(?:workspaces?|include[-_]workspace[-_]root)(?:\[\])?$/i;

/**
 * The `.npmrc` npm reads with a package.json (`app/package.json`: `app/.npmrc`), when the plan writes one; `content`
 * is undefined when the plan writes it in a way whose text is not shown.
 */
export function projectConfigFile<T extends { readonly content?: string }>(packageJson: string, written: ReadonlyMap<string, T>): T | undefined {
  if (!/(?:^|\/)package\.json$/.test(packageJson)) return undefined;
  return written.get(packageJson.replace(/package\.json$/, '.npmrc'));
}

/** Whether a config file's text may run npm in the workspaces: text not shown may, as may a value ksa cannot read. */
export function setsWorkspaces(content: string | undefined): boolean {
  if (content === undefined) return true;
  return content.split(/\r?\n/).some((line) => {
    const at = line.indexOf('=');
    const key = (at < 0 ? line : line.slice(0, at)).trim().replace(/^["']|["']$/g, '');
    if (/^[;#]/.test(key) || !WORKSPACE_KEY.test(key)) return false;
    // `workspaces` alone is true; `workspaces=false` and an empty `workspace=` set nothing.
    const value = at < 0 ? 'true' : line.slice(at + 1).trim().replace(/^["']|["']$/g, '');
    return value !== '' && !/^(?:false|null)$/i.test(value);
  });
}
