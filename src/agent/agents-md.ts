import { appendFile } from 'node:fs/promises';
import path from 'node:path';
import { formatProjectInstructions, MAX_INSTRUCTION_CHARS, readProjectInstructions } from './project-instructions.js';
import { readTextPrefix } from './text-prefix.js';
import type { WorkspaceContext } from './workspace-context.js';

/** Far above any AGENTS.md written by hand; the whole file is read to find the section, so not more. */
const MAX_EXISTING_BYTES = 1024 * 1024;

/** The heading of the section /init drafts; its presence means the section was already added. */
export const AGENTS_SECTION_HEADING = '## Deploying with ksa';

/**
 * An AGENTS.md section drafted from the workspace scan, for the user to review:
 * the facts the scan found, and blanks for what only the user knows (which
 * cluster is production, what must never be touched).
 */
export function draftAgentsSection(context: WorkspaceContext): string {
  const lines = [AGENTS_SECTION_HEADING, '', '<!-- Drafted by ksa /init from a scan of this workspace: check it, fill in the blanks. -->'];
  // With several apps, each app's tests gate its own deploys, not every deploy.
  const gate = context.packages.length > 1 ? 'before deploying it; do not deploy it when they fail.' : 'before any deploy; do not deploy when it fails.';
  for (const pkg of context.packages) {
    // A package one folder down: its scripts run there (a step with cwd), as `npm test` at the root finds no package.json.
    const inFolder = pkg.folder === undefined ? '' : ` in \`${pkg.folder}/\``;
    const runThere = pkg.folder === undefined ? '' : ` (run in \`${pkg.folder}\`: cwd: ${pkg.folder})`;
    const scripts = pkg.scripts.length ? `; scripts: ${pkg.scripts.map((name) => `\`npm run ${name}\``).join(', ')}${runThere}` : '';
    lines.push(`- App: \`${pkg.name ?? 'package.json'}\`${inFolder}${pkg.main ? ` (entry ${pkg.main})` : ''}${scripts}.`);
    if (pkg.scripts.includes('test')) lines.push(`- Run \`npm test\`${pkg.folder === undefined ? '' : ` in \`${pkg.folder}\` (cwd: ${pkg.folder})`} ${gate}`);
  }
  if (context.morePackages?.length) lines.push(`- Other apps (not described here): ${context.morePackages.map((file) => `\`${path.dirname(file)}/\``).join(', ')}.`);
  for (const problem of context.unreadablePackages ?? []) lines.push(`- Not described: ${problem}.`);
  if (context.containerEngine) {
    const files = context.dockerfiles.length ? ` from ${context.dockerfiles.map((file) => `\`${file}\``).join(', ')}` : '';
    lines.push(`- Containers: build and run images with ${context.containerEngine}${files}.`);
  } else if (context.dockerfiles.length) {
    lines.push(`- Container files: ${context.dockerfiles.map((file) => `\`${file}\``).join(', ')} (no docker or podman found here).`);
  }
  if (context.composeFiles.length) lines.push(`- Compose: ${context.composeFiles.map((file) => `\`${file}\``).join(', ')}.`);
  if (context.manifests.length) lines.push(`- Kubernetes manifests: ${context.manifests.map((m) => `\`${m.file}\` (${m.kinds.join(', ')})`).join(', ')}.`);
  if (context.helmCharts.length) lines.push(`- Helm charts: ${context.helmCharts.map((chart) => `\`${chart}\``).join(', ')}.`);
  if (context.kubeContext) lines.push(`- Development cluster: kube context \`${context.kubeContext}\`, namespace \`${context.kubeNamespace ?? 'default'}\`.`);
  lines.push('- Production cluster: kube context `<fill in>`; deploy there only when asked by name.');
  lines.push('- Never touch: namespaces `<fill in>`.');
  lines.push('- Health check after a deploy: `<URL or path, fill in>`.');
  return `${lines.join('\n')}\n`;
}

/**
 * Appends the section to <workspace>/AGENTS.md (created when missing); refuses when the section is there already.
 * `unread`: written, but past what the model is given of the project instructions (a long AGENTS.md): said, so
 * the user moves it where it is read.
 */
export async function writeAgentsSection(
  workspace: string,
  section: string,
): Promise<{ written: true; file: string; unread?: string } | { written: false; file: string; reason: string }> {
  const file = path.join(workspace, 'AGENTS.md');
  // Read as the planner reads it: a FIFO or a device by that name must not hang /init write, and a link out of
  // the workspace (to ~/.bashrc) is not written through.
  const read = await readTextPrefix(file, MAX_EXISTING_BYTES, workspace);
  if (read.kind === 'unusable') return { written: false, file, reason: `${file} is left as it is: ${read.reason}` };
  if (read.kind === 'text' && !read.complete) return { written: false, file, reason: `${file} is left as it is: it is larger than ${MAX_EXISTING_BYTES / 1024 / 1024} MiB; add the section by hand` };
  const existing = read.kind === 'text' ? read.text : '';
  if (existing.includes(AGENTS_SECTION_HEADING)) return { written: false, file, reason: `${file} already has a "${AGENTS_SECTION_HEADING.slice(3)}" section; edit it there` };
  const separator = existing === '' ? '' : existing.endsWith('\n\n') ? '' : existing.endsWith('\n') ? '\n' : '\n\n';
  await appendFile(file, `${separator}${section}`);
  const given = formatProjectInstructions(await readProjectInstructions(workspace)) ?? '';
  if (given.includes(section.trim())) return { written: true, file };
  // Cut inside the section, its last lines (what must never be touched) are the ones lost.
  const where = given.includes(AGENTS_SECTION_HEADING) ? 'its last lines are' : 'it is';
  return {
    written: true,
    file,
    unread: `${where} past the ${MAX_INSTRUCTION_CHARS} characters of project instructions the model is given, so the model does not read ${where === 'it is' ? 'it' : 'them'}: move it up in ${file}, or into .ksa/instructions.md (read first)`,
  };
}
