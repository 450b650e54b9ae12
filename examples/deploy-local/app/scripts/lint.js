// A dependency-free lint: every .js file must parse, and none may keep debugger statements or trailing spaces.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.js')) files.push(full);
  }
};
walk(root);

let problems = 0;
for (const file of files) {
  const rel = path.relative(root, file);
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8' });
  if (check.status !== 0) {
    problems++;
    console.error(`${rel}: syntax error\n${check.stderr}`);
  }
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (/\s+$/.test(line)) {
        problems++;
        console.error(`${rel}:${i + 1}: trailing whitespace`);
      }
      if (/^\s*debugger\b/.test(line)) {
        problems++;
        console.error(`${rel}:${i + 1}: debugger statement`);
      }
    });
}
console.log(`linted ${files.length} files, ${problems} problem${problems === 1 ? '' : 's'}`);
process.exit(problems > 0 ? 1 : 0);
