import { render } from 'ink-testing-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMarkdown, Markdown } from '../../src/tui/Markdown.js';

// Assistant answers are Markdown: paragraphs, lists, code blocks, inline code,
// emphasis, links, tables. Drawn with Ink, so wrapping and NO_COLOR work.

function draw(text: string, color = false): string {
  const app = render(<Markdown text={text} color={color} />);
  const frame = app.lastFrame() ?? '';
  app.unmount();
  return frame;
}

describe('Markdown', () => {
  beforeAll(loadMarkdown);

  it('a fenced code block is boxed, with its language, and its lines kept as written', () => {
    const frame = draw('Run this:\n\n```bash\nkubectl get pods -n shop\nkubectl logs deploy/web\n```\n\nThen check.');
    const lines = frame.split('\n');
    expect(lines[0]).toBe('Run this:');
    expect(frame).toMatch(/╭─+╮\n│ bash +│\n│ kubectl get pods -n shop +│\n│ kubectl logs deploy\/web +│\n╰─+╯/);
    expect(lines.at(-1)).toBe('Then check.');
  });

  it('bulleted and numbered lists, including nesting and a start number', () => {
    const frame = draw('- build the image\n- push it\n  - to the kind registry\n\n3. apply\n4. wait');
    expect(frame).toContain('• build the image');
    expect(frame).toContain('• push it');
    expect(frame).toMatch(/• to the kind registry/);
    expect(frame.indexOf('• to the kind registry')).toBeGreaterThan(frame.indexOf('• push it'));
    expect(frame).toContain('3. apply');
    expect(frame).toContain('4. wait');
  });

  it('task lists show one box per item, on the item’s line', () => {
    expect(draw('- [x] build\n- [ ] deploy')).toBe('• [x] build\n• [ ] deploy');
  });

  it('inline code keeps its backticks without colour (so it still stands out), and loses them with colour', () => {
    expect(draw('Use `npm ci` here.')).toBe('Use `npm ci` here.');
    expect(draw('Use `npm ci` here.', true)).toContain('npm ci');
    expect(draw('Use `npm ci` here.', true)).not.toContain('`');
  });

  it('emphasis, headings, links and entities read as plain text', () => {
    expect(draw('**Done**: the _app_ runs & serves <html>.')).toBe('Done: the app runs & serves <html>.');
    expect(draw('## Status')).toBe('Status');
    expect(draw('See [the docs](https://example.com/docs).')).toBe('See the docs (https://example.com/docs).');
    expect(draw('<https://example.com>')).toBe('https://example.com');
  });

  it.each([
    ['pw=***, tok=***, user=bob', 'pw=***, tok=***, user=bob'],
    ['the log says "pw=*** tok=***"', 'the log says "pw=*** tok=***"'],
    ['PW="***" TOKEN="***" x', 'PW="***" TOKEN="***" x'],
    ['- **db**: pw=***, tok=*** (*masked*)', '• db: pw=***, tok=*** (masked)'],
    ['`pw=***` and pw=***', '`pw=***` and pw=***'],
  ])('a redaction mark *** is shown as written, never read as emphasis: %s', (text, shown) => {
    expect(draw(text)).toBe(shown);
  });

  it.each([
    ['**pw=***, tok=*** is masked** done', 'pw=***, tok=*** is masked done'],
    ['*pw=***, tok=***, user* done', 'pw=***, tok=***, user done'],
    ['__tok=***__ and _pw=***_', 'tok=*** and pw=***'],
    ['***', '***'],
    ['before\n\n***\n\nafter', 'before\n***\nafter'],
    ['- ***', '• ***'],
    ['key abc***def ends', 'key abc***def ends'],
    ['| name | value |\n|---|---|\n| pw | *** |', 'name  value\npw    ***'],
  ])('a redaction mark inside emphasis, alone on a line, in code or a table keeps its stars: %s', (text, shown) => {
    expect(draw(text)).toBe(shown);
  });

  it('a redaction mark in a code block keeps its stars', () => {
    expect(draw('```\npw=***\n```')).toMatch(/│ pw=\*\*\* +│/);
  });

  it.each([
    ['***really*** important', 'really important'],
    ['(***really***) important', '(really) important'],
    ['it is ***done.*** pw=***', 'it is done. pw=***'],
    ['***bold*** with pw=***, tok=***', 'bold with pw=***, tok=***'],
  ])('three stars around words are still emphasis, with marks beside them: %s', (text, shown) => {
    expect(draw(text)).toBe(shown);
  });

  it('a table is aligned in columns', () => {
    const frame = draw('| step | status |\n|---|---|\n| build | succeeded |\n| test | failed |');
    expect(frame.split('\n')).toEqual(['step   status', 'build  succeeded', 'test   failed']);
  });

  it('an unterminated code block while streaming still renders as code', () => {
    const frame = draw('Here:\n\n```yaml\nreplicas: 2\n');
    expect(frame).toMatch(/│ yaml +│\n│ replicas: 2 +│/);
  });

  it('long lines wrap to the terminal width instead of being cut', () => {
    const long = `${'word '.repeat(40)}end`;
    const frame = draw(long);
    expect(frame.split('\n').length).toBeGreaterThan(1);
    expect(frame.replace(/\s+/g, ' ')).toContain('word word end');
  });
});
