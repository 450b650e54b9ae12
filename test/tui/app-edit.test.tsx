import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import type { TestContext } from 'vitest';
import { describe, expect, it } from 'vitest';
import { json } from '../helpers/agent-fixtures.js';
import { markerPlan, REFLECTION } from '../helpers/chat-script.js';
import { editorScript } from '../helpers/editor-script.js';
import { chatModel, renderChatApp, type ChatApp } from '../helpers/tui-app.js';

// e at the approval prompt: the plan opens as YAML in $VISUAL/$EDITOR (here
// shell scripts), is re-validated on save; problems are shown and the user
// edits again or discards the edit.

const propose = { text: 'Planning.', toolCalls: [{ name: 'propose_plan', input: { goal: 'deploy' } }] };
const tail = (frame: string, n: number) => frame.split('\n').slice(-n).join('\n');

async function awaitingPlan(context: TestContext, env: NodeJS.ProcessEnv, generate = [json(markerPlan()), json(REFLECTION)]): Promise<ChatApp> {
  const app = await renderChatApp(context, { model: chatModel([propose, { text: 'Ready.' }], generate), env });
  await app.send('deploy the marker app');
  await app.waitFor('run? [y/n/e]');
  return app;
}

describe('editing the plan in $EDITOR', () => {
  it('a valid edit becomes the plan, shown with what changed; approving runs the edited commands', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `sed -i 's/touch marker-unit/touch marker-unit-edited/' "$1"`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    let frame = await app.waitFor('What changed:');
    expect(editor.seen()[0]).toMatch(/^goal: Deploy the marker app$/m);
    expect(editor.seen()[0]).toContain('command: touch marker-unit');
    expect(frame).toContain('✎ replaced by your edit');
    expect(frame).toContain('shell: touch marker-unit-edited');
    expect(frame).toMatch(/~ unit: args\.command/);
    expect(tail(frame, 2)).toContain('run? [y/n/e]');
    await app.send('y');
    frame = await app.waitFor('Reflection on run run-1', 10_000);
    expect(existsSync(path.join(app.workspace, 'marker-unit-edited'))).toBe(true);
    expect(existsSync(path.join(app.workspace, 'marker-unit'))).toBe(false);
  });

  it('$VISUAL wins over $EDITOR', async (context) => {
    const visual = await editorScript(context, 'visual.sh', `sed -i 's/touch marker-lint/touch marker-lint-visual/' "$1"`);
    const editor = await editorScript(context, 'editor.sh', 'exit 0');
    const app = await awaitingPlan(context, { VISUAL: visual.path, EDITOR: editor.path });
    await app.send('e');
    await app.waitFor('shell: touch marker-lint-visual');
    expect(editor.seen()).toEqual([]);
  });

  it('an invalid edit: its problems are listed with paths; e reopens YOUR text; fixing it makes it the plan', async (context) => {
    // First save: a misspelt dependency. Second: fixed.
    const editor = await editorScript(context, 'edit.sh', `if [ "$n" = 0 ]; then sed -i 's/^      - prepare$/      - prepair/' "$1"; else sed -i 's/- prepair/- prepare/; s/touch marker-lint/touch marker-lint-2/' "$1"; fi`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    let frame = await app.waitFor('Your edited plan has');
    expect(frame).toMatch(/Your edited plan has 2 problems:/);
    expect(frame).toMatch(/steps\[1\]\.dependsOn\[0\]: unknown step "prepair" \(did you mean "prepare"\?\)/);
    expect(frame).toContain('e edit again · n (or Enter) discard your edit and keep the proposed plan');
    expect(tail(frame, 2)).toContain('edit? [e/n]');
    expect(tail(frame, 1)).toContain('editing the plan');
    await app.send('e');
    frame = await app.waitFor('What changed:');
    expect(editor.seen()[1]).toContain('- prepair');
    expect(frame).toContain('shell: touch marker-lint-2');
    expect(frame).not.toContain('edit? [e/n]');
  });

  it('n discards an invalid edit: the proposed plan waits again, unchanged', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `sed -i 's/tool: shell/tool: shellz/' "$1"`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    await app.waitFor('Your edited plan has');
    await app.send('n');
    const frame = await app.waitFor((f) => tail(f, 2).includes('run? [y/n/e]'));
    expect(tail(frame, 12)).not.toContain('Your edited plan has');
    expect(frame).toContain('shell: touch marker-unit');
    expect(frame).not.toContain('✎ replaced by your edit');
  });

  it('y after an invalid edit runs nothing: not the edit (it has problems), nor the plan the user was changing', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `sed -i 's/tool: shell/tool: shellz/' "$1"`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    await app.waitFor('Your edited plan has');
    await app.send('y');
    let frame = await app.waitForText('Your edit has problems, so it cannot run: e edits it again, n (or Enter) drops it and keeps the proposed plan.');
    expect(tail(frame, 2)).toContain('edit? [e/n]');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(app.frame()).not.toContain('✓ approved');
    expect(readdirSync(app.workspace).filter((name) => name.startsWith('marker-'))).toEqual([]);
    // Nor does other text revise the plan the user was fixing, dropping the edit unasked.
    await app.send('use port 9090');
    await app.waitFor((f) => f.split('Your edit has problems, so it cannot run').length === 3);
    expect(tail(app.frame(), 2)).toContain('edit? [e/n]');
    // n still drops the edit, and the proposed plan waits for its own answer.
    await app.send('n');
    frame = await app.waitFor((f) => tail(f, 2).includes('run? [y/n/e]'));
    expect(frame).not.toContain('✓ approved');
  });

  it('text that is not YAML is reported; the user can edit again', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `printf 'steps: [\\n' > "$1"`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    const frame = await app.waitFor('Your edit is not valid YAML');
    expect(frame).toContain('Press e to edit again or n to discard it.');
    expect(tail(frame, 2)).toContain('edit? [e/n]');
  });

  it('a YAML error is shown whole: each problem with its line and column, the line itself and a caret under the column', async (context) => {
    const editor = await editorScript(context, 'edit.sh', `printf 'goal: Deploy\\nsteps:\\n  - id: a\\n    tool: shell\\n     args: { command: "x" }\\n' > "$1"`);
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    const frame = await app.waitFor('Press e to edit again');
    const notice = frame.slice(frame.indexOf('Your edit is not valid YAML:'));
    expect(notice.split('\n').slice(0, 8).map((line) => line.trimEnd())).toEqual([
      expect.stringMatching(/Your edit is not valid YAML:$/),
      expect.stringMatching(/^\s*line 4, column 11: Nested mappings are not allowed in compact mappings$/),
      expect.stringMatching(/^\s*tool: shell$/),
      expect.stringMatching(/^\s{8,}\^$/),
      expect.stringMatching(/^\s*line 4, column 11: Implicit keys need to be on a single line$/),
      expect.stringMatching(/^\s*tool: shell$/),
      expect.stringMatching(/^\s{8,}\^$/),
      expect.stringMatching(/^\s*Press e to edit again or n to discard it\.$/),
    ]);
    const lines = notice.split('\n');
    expect(lines[3]!.indexOf('^') - lines[2]!.indexOf('tool')).toBe(6);
  });

  it('an editor that fails leaves the plan unchanged and says why', async (context) => {
    const editor = await editorScript(context, 'edit.sh', 'exit 3');
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    const frame = await app.waitFor(`the editor "${editor.path}" exited with code 3; the plan is unchanged`);
    expect(tail(frame, 2)).toContain('run? [y/n/e]');
  });

  it('the app goes on while the editor is open (a running plan keeps its timers): the editor is waited for, not run synchronously', async (context) => {
    // The editor waits (up to 10 s) for a file this process writes after 200 ms: it can only appear if the event loop runs.
    const editor = await editorScript(context, 'edit.sh', 'i=0; while [ ! -f "$(dirname "$0")/go" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done; [ -f "$(dirname "$0")/go" ] || exit 3');
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    const go = setTimeout(() => void writeFile(path.join(editor.dir, 'go'), ''), 200);
    context.onTestFinished(() => clearTimeout(go));
    await app.send('e');
    const frame = await app.waitFor('The edited plan is the same as before.', 15_000);
    expect(frame).not.toContain('exited with code 3');
  }, 20_000);

  it('saving without changes keeps the plan and says so', async (context) => {
    const editor = await editorScript(context, 'edit.sh', 'exit 0');
    const app = await awaitingPlan(context, { EDITOR: editor.path });
    await app.send('e');
    const frame = await app.waitFor('The edited plan is the same as before.');
    expect(tail(frame, 2)).toContain('run? [y/n/e]');
    expect(frame).not.toContain('✎ replaced by your edit');
  });
});
