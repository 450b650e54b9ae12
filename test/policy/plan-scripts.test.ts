import { describe, expect, it } from 'vitest';
import { PlanSchema, type PlanInput } from '../../src/planning/index.js';
import { assessPlanRisk } from '../../src/policy/index.js';
import { assessPolicy, parsePolicy } from '../../src/policy/rules/index.js';
import { createBuiltinRegistry, riskOptions } from '../../src/tools/index.js';

// A script one step writes and another runs is rated by what it says, not as "runs a script".

const options = riskOptions(createBuiltinRegistry());
const plan = (steps: PlanInput['steps']) => PlanSchema.parse({ goal: 'scripts', steps });
const write = (path: string, content: string): PlanInput['steps'][number] => ({ id: 'script', tool: 'write_file', args: { path, content } });
const run = (command: string, cwd?: string): PlanInput['steps'][number] => ({ id: 'run', tool: 'shell', args: { command, ...(cwd ? { cwd } : {}) }, dependsOn: ['script'] });

async function runRisk(steps: PlanInput['steps']) {
  return (await assessPlanRisk(plan(steps), options)).steps.run;
}

describe('a script the plan writes, then runs', () => {
  it('is rated by its lines, and the reason names the line that decides', async () => {
    const risk = await runRisk([write('deploy.sh', '#!/bin/sh\necho deploying\nrm -rf /tmp/victim\n'), run('sh deploy.sh')]);
    expect(risk).toEqual({ level: 'destroy', reason: 'runs deploy.sh, which step script writes: rm -rf /tmp/victim' });
  });

  it('however the step runs it: bash with flags, source, ., by path, behind sudo, from another cwd', async () => {
    const lines = ['bash -e deploy.sh', 'bash -euo pipefail deploy.sh', 'bash -eo pipefail deploy.sh', 'sh +o errexit deploy.sh', 'bash -O extglob deploy.sh', 'bash --rcfile env.rc deploy.sh', 'bash -- deploy.sh', 'source deploy.sh', '. ./deploy.sh', './deploy.sh', 'sudo ./deploy.sh', 'echo go && sh ./deploy.sh'];
    for (const line of lines) expect((await runRisk([write('deploy.sh', 'kubectl delete ns prod\n'), run(line)]))?.level, line).toBe('destroy');
    expect((await runRisk([write('app/deploy.sh', 'rm -rf build\n'), run('./deploy.sh', 'app')]))?.level).toBe('destroy');
    expect((await runRisk([write('./app/deploy.sh', 'rm -rf build\n'), run('sh app//deploy.sh')]))?.level).toBe('destroy');
  });

  it('from the folder a cd or pushd of the line moves to, and by path in code a shell is given (sh -c ./sub/deploy.sh)', async () => {
    const lines = ['cd sub && sh deploy.sh', 'cd sub; ./deploy.sh', 'pushd sub && bash deploy.sh', 'cd -P sub && . ./deploy.sh', 'cd x/../sub || exit 1; sh deploy.sh', 'sh -c ./sub/deploy.sh', "sudo sh -ec './sub/deploy.sh'", "sh -c 'sh sub/deploy.sh'", "bash -c 'cd sub && ./deploy.sh'", 'timeout 60 sh -c ./sub/deploy.sh'];
    for (const line of lines) expect(await runRisk([write('sub/deploy.sh', 'rm -rf /data\n'), run(line)]), line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs .*deploy\.sh, which step script writes: rm -rf \/data$/) });
    expect((await runRisk([write('sub/deploy.sh', 'rm -rf /data\n'), run('cd other && sh deploy.sh')]))?.level).toBe('write');
  });

  it('a script of the plan that runs another is rated by the other\'s lines too, and scripts that run each other are followed once', async () => {
    const wrapper = { id: 'wrap', tool: 'write_file', args: { path: 'wrapper.sh', content: 'echo start\nsh sub/deploy.sh\n' } } as const;
    const risk = await runRisk([write('sub/deploy.sh', 'rm -rf /data\n'), { ...wrapper, dependsOn: ['script'] }, run('sh wrapper.sh')]);
    expect(risk).toEqual({ level: 'destroy', reason: 'runs sub/deploy.sh (from wrapper.sh), which step script writes: rm -rf /data' });
    const loop = [{ id: 'a', tool: 'write_file', args: { path: 'a.sh', content: 'sh b.sh\n' } }, { id: 'b', tool: 'write_file', args: { path: 'b.sh', content: 'ls\nsh a.sh\n' } }] as const;
    expect((await runRisk([...loop, write('c.sh', 'sh a.sh\n'), run('sh c.sh')]))?.level).toBe('write');
    const deep = [{ id: 'a', tool: 'write_file', args: { path: 'a.sh', content: 'sh b.sh\n' } }, { id: 'b', tool: 'write_file', args: { path: 'b.sh', content: 'sh a.sh\nkubectl delete ns prod\n' } }] as const;
    expect((await runRisk([...deep, write('c.sh', 'sh a.sh\n'), run('sh c.sh')]))?.level).toBe('destroy');
  });

  it('a harmless script keeps the step write; a script not run stays out of it', async () => {
    expect(await runRisk([write('build.sh', 'npm ci\nnpm run build\n'), run('sh build.sh')])).toEqual({ level: 'write', reason: 'runs build.sh, which step script writes: npm ci' });
    expect(await runRisk([write('deploy.sh', 'rm -rf /\n'), run('cat deploy.sh')])).toEqual({ level: 'read', reason: 'cat' });
    expect((await runRisk([write('deploy.sh', 'rm -rf /\n'), run('sh other.sh')]))?.level).toBe('write');
    expect((await runRisk([write('deploy.sh', 'rm -rf /\n'), run('./deploy.sh', 'app')]))?.level).toBe('write');
  });

  it('text known only at run time, or code in another language, is destroy: nobody reviewed it', async () => {
    const built = await assessPlanRisk(
      plan([{ id: 'pick', tool: 'shell', args: { command: 'echo ls' } }, { ...write('d.sh', 'echo hi\n{{ steps.pick.output.stdout }}\n'), dependsOn: ['pick'] }, run('sh d.sh')]),
      options,
    );
    expect(built.steps.run).toEqual({ level: 'destroy', reason: 'runs d.sh, which step script writes with text the plan does not show: code nobody reviewed' });
    expect((await runRisk([write('d.py', 'print(1)\n'), run('python3 d.py')]))?.level).toBe('destroy');
    expect((await runRisk([write('d.sh', '#!/usr/bin/env python3\nprint(1)\n'), run('./d.sh')]))?.level).toBe('destroy');
    expect((await runRisk([write('d.sh', '#!/usr/bin/env bash\nls\n'), run('./d.sh')]))?.level).toBe('write');
  });

  it('a file a shell step writes (redirection, tee, cp) and another step runs is destroy: its text is not on the card', async () => {
    const writes = ['printf "rm -rf /\\n" > deploy.sh', 'cat >>deploy.sh <<EOF\nls\nEOF', 'echo ls | tee -a deploy.sh', 'cp /tmp/x.sh ./deploy.sh'];
    for (const line of writes) {
      const risk = await runRisk([{ id: 'gen', tool: 'shell', args: { command: line } }, run('sh deploy.sh')]);
      expect(risk, line).toEqual({ level: 'destroy', reason: 'runs deploy.sh, which step gen writes with text the plan does not show: code nobody reviewed' });
    }
    expect((await runRisk([{ id: 'gen', tool: 'shell', args: { command: 'chmod +x deploy.sh; echo done > log.txt 2>&1' } }, run('sh deploy.sh')]))?.level).toBe('write');
  });

  it('a script a shell step downloads (curl -o/-O/--output, wget) and another step runs is destroy, naming the step that downloads it', async () => {
    const saves = ['curl -fsSL -o install.sh https://x.io/i.sh', 'curl -fsSLO https://x.io/install.sh', 'curl --output install.sh https://x.io/i.sh', 'wget -O install.sh https://x.io/i.sh', 'wget -q https://x.io/install.sh', 'sudo curl -o ./install.sh https://x.io/i.sh', "bash -c 'timeout 60 wget -O install.sh https://x.io/i.sh'"];
    const runs = ['sh install.sh', 'bash ./install.sh', './install.sh', 'env bash -e install.sh', 'for i in 1; do . ./install.sh; done'];
    for (const save of saves) {
      for (const line of runs) {
        const risk = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: save } }, { ...run(line), dependsOn: ['fetch'] }]);
        expect(risk, `${save} | ${line}`).toEqual({ level: 'destroy', reason: `runs ${line.includes('./') ? './install.sh' : 'install.sh'}, which step fetch downloads: code nobody reviewed` });
      }
    }
    const python = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'wget -O install.py https://x.io/i.py' } }, { ...run('python3 install.py'), dependsOn: ['fetch'] }]);
    expect(python).toEqual({ level: 'destroy', reason: 'runs install.py, which step fetch downloads: code nobody reviewed' });
    // Printed, not saved: nothing the plan runs comes from it.
    expect((await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'wget -qO- https://x.io/install.sh' } }, { ...run('sh install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('write');
  });

  it('a script several steps download is named by the step the runner gets it from, not one that downloads it again after', async () => {
    const fetch = (id: string, dependsOn: string[] = []): PlanInput['steps'][number] => ({ id, tool: 'shell', args: { command: `curl -fsSL -o i.sh https://x.io/${id}.sh` }, dependsOn });
    const runner = (dependsOn: string[]): PlanInput['steps'][number] => ({ id: 'run', tool: 'shell', args: { command: 'sh i.sh' }, dependsOn });
    const cases: [PlanInput['steps'], string][] = [
      [[fetch('first'), runner(['first']), fetch('again', ['run'])], 'first'],
      [[fetch('first'), fetch('second', ['first']), runner(['second']), fetch('again', ['run'])], 'second'],
      [[fetch('first'), fetch('other'), runner(['first']), fetch('again', ['run'])], 'first'],
      [[fetch('first'), runner([]), fetch('again', ['run'])], 'first'],
      [[fetch('first'), runner(['first']), fetch('again')], 'first'],
      [[runner([]), fetch('later')], 'later'],
    ];
    for (const [steps, named] of cases) {
      expect(await runRisk(steps), JSON.stringify(steps)).toEqual({ level: 'destroy', reason: `runs i.sh, which step ${named} downloads: code nobody reviewed` });
    }
  });

  it('a file a later step runs from a folder another step unpacks a downloaded archive into is destroy, unless the plan writes it', async () => {
    const unpacks: PlanInput['steps'][number][][] = [
      [{ id: 'fetch', tool: 'shell', args: { command: 'curl -fsSL -o t.tgz https://x.io/t.tgz && tar xzf t.tgz' } }],
      [{ id: 'get', tool: 'shell', args: { command: 'wget -O t.tgz https://x.io/t.tgz' } }, { id: 'fetch', tool: 'shell', args: { command: 'tar xzf t.tgz' }, dependsOn: ['get'] }],
      [{ id: 'fetch', tool: 'shell', args: { command: 'curl -fsSL https://x.io/t.tgz | sudo tar xz' } }],
      [{ id: 'fetch', tool: 'shell', args: { command: 'curl -o t.zip https://x.io/t.zip && unzip t.zip' } }],
    ];
    for (const steps of unpacks) {
      for (const line of ['sh install.sh', './t/install', 'bash t/install.sh', 'sudo ./t/install']) {
        const risk = await runRisk([...steps, { ...run(line), dependsOn: ['fetch'] }]);
        expect(risk, `${JSON.stringify(steps)} | ${line}`).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs .*install(\.sh)?, which may be a file the archive step fetch unpacked: code nobody reviewed$/) });
      }
    }
    // Written by the plan, the file is rated by its lines; an archive not downloaded, or another folder, says nothing.
    const fetch = unpacks[0]![0]!;
    expect((await runRisk([fetch, { ...write('install.sh', 'ls\n'), dependsOn: ['fetch'] }, { ...run('sh install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('write');
    expect((await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'tar xzf local.tgz' } }, { ...run('sh install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('write');
    expect((await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'curl -o t.tgz https://x.io/t.tgz && tar xzf t.tgz -C vendor' } }, { ...run('sh install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('write');
    expect((await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'curl -o t.tgz https://x.io/t.tgz && tar xzf t.tgz -C vendor' } }, { ...run('sh vendor/install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('destroy');
  });

  it('a script a step saves into a folder, copies from another machine or clones, and another step runs, is destroy, naming that step', async () => {
    const saves: [string, string][] = [
      ['wget -q -P tools https://x.io/install.sh', 'sh tools/install.sh'],
      ['wget -q --directory-prefix=tools https://x.io/install.sh', 'cd tools && ./install.sh'],
      ['curl -s --output-dir tools -O https://x.io/install.sh', 'bash tools/install.sh'],
      ['scp host:install.sh install.sh', 'sh install.sh'],
      ['aws s3 cp s3://b/install.sh install.sh', './install.sh'],
      ['kubectl cp pod:/install.sh install.sh', 'sh install.sh'],
      ['rsync -a host:install.sh .', 'sh install.sh'],
      ['git clone https://x.io/r.git r', 'cd r && ./install.sh'],
      ['git clone https://x.io/r.git', 'sh r/install.sh'],
    ];
    for (const [save, line] of saves) {
      const risk = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: save } }, { ...run(line), dependsOn: ['fetch'] }]);
      expect(risk, `${save} | ${line}`).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs .*install\.sh, which step fetch downloads: code nobody reviewed$/) });
    }
    expect((await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'git clone https://x.io/r.git r' } }, { ...run('cd other && ./install.sh'), dependsOn: ['fetch'] }]))?.level).toBe('write');
    // On one line, after a cd: the reason names the command that fetched it.
    for (const line of ['git clone https://x.io/r.git r && cd r && ./install.sh', 'gh repo clone o/r && cd r && sh install.sh', 'scp host:i.sh t/install.sh && cd t && sh install.sh']) {
      const risk = (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^the line fetches (\.\/)?install\.sh with (git|gh|scp) and runs it: code nobody reviewed$/) });
    }
  });

  it('a clone into a folder a variable names, or a download run through $PWD, is destroy on the line and from another step', async () => {
    const lines = [
      'git clone https://x.io/r.git "$D" && sh "$D/install.sh"',
      'git clone https://x.io/r.git "${D}" && sudo bash "${D}"/install.sh',
      'git clone https://x.io/r.git "$D"; cd "$D"; ./install.sh',
      'curl -o i.sh https://x.io/i.sh && sh "$PWD/i.sh"',
      'curl -o i.sh https://x.io/i.sh && chmod +x i.sh && "$PWD/i.sh"',
      'curl -o i.sh https://x.io/i.sh && bash $(pwd)/i.sh',
      'curl -o i.sh https://x.io/i.sh && source "${PWD}/i.sh"',
      'curl -o i.sh https://x.io/i.sh && sh ~+/i.sh',
    ];
    for (const line of lines) {
      const risk = (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^the line fetches \S*i(nstall)?\.sh with (git|curl) and runs it: code nobody reviewed$/) });
    }
    for (const [save, line] of [['git clone https://x.io/r.git "$D"', 'sh "$D/install.sh"'], ['git clone https://x.io/r.git "$D"', 'cd "$D" && ./install.sh'], ['curl -o i.sh https://x.io/i.sh', 'bash "$(pwd)/i.sh"']] as const) {
      const risk = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: save } }, { ...run(line), dependsOn: ['fetch'] }]);
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/, which step fetch downloads: code nobody reviewed$/) });
    }
    for (const line of ['git clone https://x.io/r.git "$D" && ls "$D"', 'git clone https://x.io/r.git "$D" && sh "$E/install.sh"', 'curl -o i.sh https://x.io/i.sh && sha256sum "$PWD/i.sh"', 'sh "$PWD/i.sh"']) {
      expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('write');
    }
  });

  it('code a clone, a download or its archive brings, run by a build tool or an installer, is destroy naming the command that fetched it', async () => {
    const lines = [
      'git clone https://x.io/r.git r && make -C r',
      'git clone https://x.io/r.git r && cd r && make',
      'git clone https://x.io/r.git r && cd r && sudo make install',
      'git clone https://x.io/r.git r && cd r && npm install',
      'git clone https://x.io/r.git r && cd r && npm ci',
      'git clone https://x.io/r.git r && cd r && npm run build',
      'git clone https://x.io/r.git r && cd r && pip install .',
      'git clone https://x.io/r.git r && python3 -m pip install -e ./r',
      'git clone https://x.io/r.git "$D" && make -C "$D"',
      'curl -o p.deb https://x.io/p.deb && sudo dpkg -i p.deb',
      'curl -o p.deb https://x.io/p.deb && sudo apt install ./p.deb',
      'wget https://x.io/p.rpm && sudo rpm -Uvh p.rpm',
      'curl -o p.rpm https://x.io/p.rpm && sudo dnf install -y ./p.rpm',
    ];
    for (const line of lines) {
      const risk = (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^the line fetches \S+( or \S+)? with (git|curl|wget) and (make|npm|pip|dpkg|apt|rpm|dnf) runs it: code nobody reviewed$/) });
    }
    for (const line of ['curl -o a.tgz https://x.io/a.tgz && tar xzf a.tgz && make -C a', 'curl -o a.tgz https://x.io/a.tgz && tar xzf a.tgz && cd a && make']) {
      const risk = (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^the line unpacks \S*Makefile from what curl downloads and make runs it: code nobody reviewed$/) });
    }
    for (const [save, line] of [['git clone https://x.io/r.git r', 'cd r && make'], ['git clone https://x.io/r.git r', 'make -C r'], ['curl -o p.deb https://x.io/p.deb', 'sudo dpkg -i p.deb']] as const) {
      const risk = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: save } }, { ...run(line), dependsOn: ['fetch'] }]);
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/, which step fetch downloads: code nobody reviewed$/) });
    }
    // What was fetched but not built, and builds of what nothing fetched, keep their level.
    const kept = ['git clone https://x.io/r.git r && ls r', 'git clone https://x.io/r.git r && make', 'git clone https://x.io/r.git r && npm install lodash', 'curl -o p.deb https://x.io/p.deb && sha256sum p.deb', 'curl -o p.deb https://x.io/p.deb && dpkg -c p.deb', 'curl -o a.tgz https://x.io/a.tgz && tar tzf a.tgz', 'make', 'cd app && npm ci && npm run build', 'pip install .', 'sudo apt install ./p.deb'];
    for (const line of kept) expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('write');
  });

  it("pip's reason names the project's setup.py or pyproject.toml (its build backend), whichever it has, for a project a clone or an archive brings", async () => {
    const lineRisk = async (line: string) => (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
    expect(await lineRisk('git clone https://x.io/r.git r && pip install ./r')).toEqual({ level: 'destroy', reason: 'the line fetches ./r/setup.py or ./r/pyproject.toml with git and pip runs it: code nobody reviewed' });
    expect(await lineRisk('git clone https://x.io/r.git r && cd r && python3 -m pip install .')).toEqual({ level: 'destroy', reason: 'the line fetches ./setup.py or ./pyproject.toml with git and pip runs it: code nobody reviewed' });
    expect(await lineRisk('git clone https://x.io/r.git r && pip3 install -e ./r')).toEqual({ level: 'destroy', reason: 'the line fetches ./r/setup.py or ./r/pyproject.toml with git and pip3 runs it: code nobody reviewed' });
    expect((await lineRisk('curl -o a.tgz https://x.io/a.tgz && tar xzf a.tgz && pip install ./a'))?.reason).toMatch(/^the line unpacks \.\/a\/setup\.py or \.\/a\/pyproject\.toml from what curl downloads/);
    const clone = { id: 'fetch', tool: 'shell', args: { command: 'git clone https://x.io/r.git r' } } as const;
    expect(await runRisk([clone, { ...run('pip install ./r'), dependsOn: ['fetch'] }])).toEqual({ level: 'destroy', reason: 'runs ./r/setup.py or ./r/pyproject.toml, which step fetch downloads: code nobody reviewed' });
    // A project file the plan writes is named as it is.
    expect((await runRisk([write('pyproject.toml', '[build-system]\n'), run('pip install .')]))?.reason).toMatch(/^runs \.\/pyproject\.toml, which step script writes/);
  });

  it('a Makefile or package.json the plan writes is rated by the recipes or scripts it holds, naming the step', async () => {
    const makefile = 'all:\n\t@echo building\nclean:\n\t-rm -rf /data \\\n\t  /srv\n';
    for (const line of ['make clean', 'make', 'make -C .', 'sudo make clean']) {
      expect(await runRisk([write('Makefile', makefile), run(line)]), line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs (\.\/)?Makefile, which step script writes: rm -rf \/data {2}\/srv$/) });
    }
    expect(await runRisk([write('sub/Makefile', makefile), run('make -C sub')])).toEqual({ level: 'destroy', reason: 'runs sub/Makefile, which step script writes: rm -rf /data  /srv' });
    const pkg = JSON.stringify({ scripts: { build: 'tsc', test: 'kubectl delete ns prod' } });
    for (const line of ['npm test', 'npm run test', 'npm install']) {
      expect(await runRisk([write('web/package.json', pkg), run(line, 'web')]), line).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: kubectl delete ns prod' });
    }
    const heredoc = { id: 'script', tool: 'shell', args: { command: "cat > Makefile <<'EOF'\nall:\n\trm -rf /data\nEOF" } } as const;
    expect(await runRisk([heredoc, run('make')])).toEqual({ level: 'destroy', reason: 'runs Makefile, which step script writes with text the plan does not show: code nobody reviewed' });
    // Recipes and scripts that change nothing much rate as the build does.
    expect((await runRisk([write('Makefile', 'all:\n\techo hi\n'), run('make')]))?.level).toBe('write');
    expect((await runRisk([write('package.json', JSON.stringify({ scripts: { test: 'vitest run' } })), run('npm test')]))?.level).toBe('write');
  });

  it('npm run x, npm test and npm start of a package.json the plan writes are rated by the scripts they run, not by every script', async () => {
    const pkg = JSON.stringify({
      scripts: { build: 'tsc', prelint: 'echo lint', lint: 'eslint .', test: 'vitest run', clean: 'rm -rf /data', pretest: 'echo t', start: 'node server.js', poststart: 'rm -rf /srv', ci: 'npm run lint && npm test', all: 'npm-run-all clean build', dev: 'yarn clean', deploy: 'npm run build --silent && kubectl delete ns prod' },
    });
    const rated = async (line: string) => runRisk([write('package.json', pkg), run(line)]);
    for (const line of ['npm run build', 'npm run-script build', 'npm run --silent build', 'npm run build -- --watch', 'sudo npm run build', 'timeout 60 npm run build', "sh -c 'npm run build'", 'pnpm run build', 'yarn run build', 'npm test', 'npm t', 'npm run lint', 'npm run ci']) {
      expect(await rated(line), line).toEqual({ level: 'write', reason: expect.stringMatching(/^runs package\.json, which step script writes: (tsc|vitest run|eslint \.|npm run lint && npm test)$/) });
    }
    // The script named, its pre and post scripts, and the scripts it runs by name in turn.
    expect(await rated('npm run clean')).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: rm -rf /data' });
    expect(await rated('npm start')).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: rm -rf /srv' });
    expect(await rated('npm run deploy')).toEqual({ level: 'destroy', reason: 'runs package.json, which step script writes: npm run build --silent && kubectl delete ns prod' });
    for (const line of ['npm run dev', 'npm run build && npm run clean', 'npm test; npm run clean']) expect((await rated(line))?.level, line).toBe('destroy');
    // A name known only at run time, a script that runs others in a way not read, a missing script, workspaces and
    // install: any script may run, as before.
    for (const line of ['npm run "$X"', 'npm run $X', 'S=build; npm run $S', 'npm run', 'npm run all', 'npm run nosuch', 'npm run build -w a', 'npm run --loglevel warn build', 'npm install', 'npm ci', 'for s in build clean; do npm run $s; done']) {
      expect((await rated(line))?.level, line).toBe('destroy');
    }
  });

  it('a script run in a folder known only at run time is rated as the worst the plan writes by that name, saying so', async () => {
    for (const line of ['cd "$APP" && sh deploy.sh', 'cd "$APP"; ./deploy.sh']) {
      expect(await runRisk([write('app/deploy.sh', 'rm -rf /srv\n'), run(line)]), line).toEqual({ level: 'destroy', reason: "runs app/deploy.sh (the line's folder is computed), which step script writes: rm -rf /srv" });
    }
    expect((await runRisk([write('app/deploy.sh', 'rm -rf /srv\n'), run('cd "$APP" && sh other.sh')]))?.level).toBe('write');
    expect((await runRisk([write('app/deploy.sh', 'rm -rf /srv\n'), run('cd app2 && sh deploy.sh')]))?.level).toBe('write');
  });

  it('a copy (cp, mv, install) of a script the plan or the line writes or downloads runs what that script holds', async () => {
    const script = { id: 'script', tool: 'write_file', args: { path: 'a.sh', content: 'rm -rf data\n' } } as const;
    for (const line of ['cp a.sh deploy.sh && sh deploy.sh', 'mv a.sh d.sh && sh d.sh', 'install -m 755 a.sh bin/d && bin/d']) {
      expect(await runRisk([script, run(line)]), line).toEqual({ level: 'destroy', reason: expect.stringMatching(/, which step script writes: rm -rf data$/) });
    }
    const fetch = { id: 'fetch', tool: 'shell', args: { command: 'curl -fsS -o i.sh https://x.io/i.sh' } } as const;
    expect(await runRisk([fetch, { ...run('cp i.sh run.sh && sh run.sh'), dependsOn: ['fetch'] }])).toEqual({ level: 'destroy', reason: 'runs run.sh, which step fetch downloads: code nobody reviewed' });
    for (const line of ['echo "rm -rf data" > x.sh && cp x.sh d.sh && sh d.sh', 'curl -o i.sh https://x.io/i.sh && mv i.sh run.sh && sh run.sh']) {
      expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('destroy');
    }
    // A copy of a file nobody in the plan writes is rated as running that file, as before.
    expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: 'cp deploy.example.sh d.sh && sh d.sh' } }]), options)).steps.run?.level).toBe('write');
  });

  it('a line that writes a file and runs it itself is destroy; a copy is run as what it copies', async () => {
    const lines = [
      'echo "rm -rf data" > d.sh && sh d.sh',
      "printf '%s\\n' 'rm -rf data' > d.sh; bash d.sh",
      "cat > d.sh <<'EOF'\nrm -rf data\nEOF\nsh d.sh",
      'echo ls >> d.sh; . ./d.sh',
      'echo ls > d.sh; chmod +x d.sh; sudo ./d.sh',
      "echo 'rm -rf x' | tee d.sh >/dev/null && env sh d.sh",
      'sh -c \'echo "rm -rf data" > d.sh && sh d.sh\'',
      'echo ls > sub/d.sh; cd sub && sh d.sh',
      'f() { echo ls > d.sh; bash d.sh; }; f',
      'for i in 1; do echo ls > d.sh; timeout 5 sh d.sh; done',
    ];
    for (const line of lines) {
      const risk = (await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run;
      expect(risk, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^the line writes (\.\/)?d\.sh and runs it: code nobody reviewed$/) });
    }
    for (const line of ['echo ls > d.sh && sh other.sh', 'cp deploy.example.sh d.sh && sh d.sh', 'sh build.sh > out.log']) {
      expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('write');
    }
    // A script of the plan that does the same is rated as doing it.
    expect((await runRisk([write('outer.sh', 'echo ls > d.sh\nsh d.sh\n'), run('sh outer.sh')]))?.level).toBe('destroy');
  });

  it('run by git (rebase -x, bisect run): the same script, written by the plan, downloaded, or written by the line itself', async () => {
    const lines = ["git rebase -x 'sh t.sh' HEAD~1", 'git bisect run sh t.sh', 'git bisect run ./t.sh', 'git rebase --exec=./t.sh main', 'sudo git bisect run bash ./t.sh', "git -C . rebase -x 'cd . && ./t.sh' HEAD~1"];
    for (const line of lines) {
      expect(await runRisk([write('t.sh', 'rm -rf data\n'), run(line)]), line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs (\.\/)?t\.sh, which step script writes: rm -rf data$/) });
      const fetched = await runRisk([{ id: 'fetch', tool: 'shell', args: { command: 'curl -o t.sh https://x.io/t.sh' } }, { ...run(line), dependsOn: ['fetch'] }]);
      expect(fetched, line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs (\.\/)?t\.sh, which step fetch downloads: code nobody reviewed$/) });
    }
    for (const line of ['echo "rm -rf data" > t.sh && git bisect run sh t.sh', "echo ls > t.sh; chmod +x t.sh; git rebase -x ./t.sh HEAD~1"]) {
      expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('destroy');
    }
    expect((await runRisk([write('t.sh', 'make test\n'), run('git bisect run sh t.sh')]))?.level).toBe('write');
  });

  it("run by eval's literal code, as by sh -c: the plan's script, or one the line writes itself", async () => {
    for (const line of ["eval 'sh sub/deploy.sh'", 'eval ./sub/deploy.sh', 'eval sh sub/deploy.sh', "cd sub && eval 'bash ./deploy.sh'", 'sudo sh -c "eval \'sh sub/deploy.sh\'"']) {
      expect(await runRisk([write('sub/deploy.sh', 'rm -rf /data\n'), run(line)]), line).toEqual({ level: 'destroy', reason: expect.stringMatching(/^runs .*deploy\.sh, which step script writes: rm -rf \/data$/) });
    }
    for (const line of ['echo "rm -rf data" > d.sh && eval "sh d.sh"', 'echo ls > d.sh; eval ./d.sh']) {
      expect((await assessPlanRisk(plan([{ id: 'run', tool: 'shell', args: { command: line } }]), options)).steps.run?.level, line).toBe('destroy');
    }
    expect((await runRisk([write('sub/deploy.sh', 'echo hi\n'), run("eval 'sh sub/deploy.sh'")]))?.level).toBe('write');
  });

  it("a deny rule on a shell line holds for the script's lines", async () => {
    const policy = parsePolicy('deny:\n  - { shell: "rm -rf *" }\n', '/ws/.ksa/policy.yaml');
    const { decision } = await assessPolicy(plan([write('deploy.sh', 'echo deploying\nrm -rf /tmp/victim\n'), run('sh deploy.sh')]), policy, 'write', options);
    expect(decision.decision).toBe('deny');
    expect(decision.denied.map((step) => step.stepId)).toEqual(['run']);
  });
});
