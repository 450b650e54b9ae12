import { describe, expect, it } from 'vitest';
import { readGivenInputs, readGivenInputsChecked } from '../../src/cli/given-inputs.js';

// A list or mapping given with --input is read as a plan file is: what a plan file refuses is refused here, before anything runs.

const declared = { regions: ['eu'], meta: { a: 1 }, ids: [1], dbPassword: ['x'], versions: { a: 'b' } };
const read = (name: string, text: string) => readGivenInputs(declared, { [name]: text })[name];
const refusal = (name: string, text: string): string => {
  try {
    readGivenInputs(declared, { [name]: text });
  } catch (error) {
    expect((error as { exitCode?: number }).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error(`--input ${name}=${text} was accepted`);
};

describe('readGivenInputs: a list or mapping', () => {
  it('refuses a YAML tag, naming the input, the tag and the quoted value to write', () => {
    expect(refusal('regions', '[!env HOME]')).toBe('--input regions: item [0]: a YAML tag ("!env") — quote the value: "!env HOME"');
    expect(refusal('regions', '[eu, !!binary aGk=]')).toBe('--input regions: item [1]: a YAML tag ("!!binary") — quote the value: "!!binary aGk="');
    expect(refusal('meta', '{a: !!str 1}')).toContain('--input meta: item ["a"]: a YAML tag ("!!str")');
    expect(refusal('regions', '!!seq [eu]')).toContain('--input regions: a YAML tag ("!!seq")');
    // A secret's value is not repeated, nor the tag: what reads as one may be the secret itself.
    expect(refusal('dbPassword', '[!env hunter2]')).toBe('--input dbPassword: item [0]: a YAML tag — quote the value');
    expect(read('regions', '["!env HOME", \'!x\']')).toEqual(['!env HOME', '!x']);
  });

  it("never shows a secret input's tag, on an item, a value in a mapping, or a key", () => {
    expect(refusal('dbPassword', '[!Hunter2pw, b]')).toBe('--input dbPassword: item [0]: a YAML tag — quote the value');
    expect(refusal('dbPassword', '{a: !S3cretVal}')).toBe('--input dbPassword: item ["a"]: a YAML tag — quote the value');
    expect(refusal('dbPassword', '{!S3cretVal: x}')).toBe('--input dbPassword: a YAML tag — quote the value');
    expect(refusal('dbPassword', '{a: !S3cretVal [x]}')).toBe('--input dbPassword: item ["a"]: a YAML tag — remove it, or quote the value if it starts with "!"');
    expect(refusal('regions', '{a: !S3cretVal [x]}')).toContain('a YAML tag ("!S3cretVal")');
  });

  it('applies merge keys, as a plan file does', () => {
    expect(read('meta', '{<<: {x: 1}, y: 2}')).toEqual({ x: 1, y: 2 });
    expect(read('meta', '{<<: [{x: 1}, {z: 3}], x: 2}')).toEqual({ x: 2, z: 3 });
  });

  it('refuses a key given twice, naming it', () => {
    expect(refusal('meta', '{a: 1, a: 2}')).toBe('--input meta: the key "a" is given twice; keep one');
    expect(refusal('regions', '[{name: eu, name: us}]')).toBe('--input regions: item [0]: the key "name" is given twice; keep one');
  });

  it('refuses a number that is not finite, at its place', () => {
    expect(refusal('ids', '[1, 1e400]')).toBe('--input ids: item [1]: 1e400 is not a finite number (it would be read as Infinity, and recorded as null): write a number (at most about 1.8e308), or quote it to pass it as text');
    expect(refusal('ids', '[.inf]')).toContain('--input ids: item [0]: .inf is not a finite number');
    expect(refusal('meta', '{a: {b: -.Inf}}')).toContain('--input meta: item ["a"]["b"]: -.Inf is not a finite number');
    expect(refusal('meta', '{"a": .nan}')).toContain('it would be read as NaN');
    expect(read('ids', '[1, 1.5e300, -2, "1e400"]')).toEqual([1, 1.5e300, -2, '1e400']);
  });

  it('refuses a number in hexadecimal or octal, as a number input does, with its decimal value', () => {
    expect(refusal('ids', '[0x1F]')).toBe('--input ids: item [0]: 0x1F is a number written in hexadecimal, which a number input refuses: write it in decimal (31), or quote it to pass it as text');
    expect(refusal('ids', '[1, 0o17]')).toBe('--input ids: item [1]: 0o17 is a number written in octal, which a number input refuses: write it in decimal (15), or quote it to pass it as text');
    expect(refusal('meta', '{mode: 0o644}')).toContain('--input meta: item ["mode"]: 0o644 is a number written in octal');
    expect(read('ids', '["0x1F", "0644", 31]')).toEqual(['0x1F', '0644', 31]);
    expect(read('meta', '{sha: 0x1g2a, n: 1}')).toEqual({ sha: '0x1g2a', n: 1 });
  });

  it('refuses a number with a leading zero, which YAML 1.1 tools read as octal, saying what each reads; not for a secret', () => {
    expect(refusal('ids', '[1, 017]')).toBe('--input ids: item [1]: 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: write it without, or quote it to pass it as text');
    expect(refusal('meta', '{mode: 0644}')).toContain('--input meta: item ["mode"]: 0644 is a number written with a leading zero, which ksa reads as 644 and YAML 1.1 tools as octal 420');
    expect(refusal('dbPassword', '[0042]')).toBe('--input dbPassword: item [0]: the value is a number written with a leading zero: write it without, or quote it to pass it as text');
    expect(read('ids', '[0, 0.5, -0, "017", 10]')).toEqual([0, 0.5, -0, '017', 10]);
    // Read the same by both: 03 is 3 as octal too, 00.5 is 0.5.
    expect(read('ids', '[03, -007, 00.5]')).toEqual([3, -7, 0.5]);
  });

  it('refuses a key written as a number other than its text (017, 0900, 0x1F), and a %YAML directive other than 1.2', () => {
    expect(refusal('meta', '{017: 5}')).toBe('--input meta: the key 017 is a number written with a leading zero, which ksa reads as 17 and YAML 1.1 tools as octal 15: quote it ("017") to keep it as written');
    expect(refusal('meta', '{env: {0900: x}}')).toBe('--input meta: item ["env"]: the key 0900 is a number written with a leading zero, which ksa reads as 900 and YAML 1.1 tools as text: quote it ("0900") to keep it as written');
    expect(refusal('meta', '{0x1F: a}')).toBe('--input meta: the key 0x1F is a number written in hexadecimal, which YAML reads as 31: quote it ("0x1F") to keep it as written');
    expect(refusal('dbPassword', '[{017: x}]')).toBe('--input dbPassword: item [0]: a key is a number YAML reads as another key than written: quote it to keep it as written');
    expect(refusal('dbPassword', '{1.10: x}')).toBe('--input dbPassword: a key is a number YAML reads as another key than written: quote it to keep it as written');
    expect(read('meta', '{"017": 5, 17: 6, "03": 7}')).toEqual({ '017': 5, '17': 6, '03': 7 });
    expect(refusal('ids', '%YAML 1.1\n--- [yes, 017]')).toBe('--input ids: the %YAML 1.1 directive asks for another YAML than ksa reads (1.2 only: YAML 1.1 reads yes as true, 1:30 as 90 and 017 as octal 15); remove the line');
  });

  it('refuses any key written as a number whose text YAML changes (1.10, 1e3, +5, 00), and keeps one it does not (1.5, -1, 0)', () => {
    expect(refusal('versions', '{1.10: stable}')).toBe('--input versions: the key 1.10 is a number, which YAML reads as the key "1.1": quote it ("1.10") to keep it as written');
    expect(refusal('versions', '[{1e3: big}]')).toBe('--input versions: item [0]: the key 1e3 is a number, which YAML reads as the key "1000": quote it ("1e3") to keep it as written');
    expect(refusal('versions', '{+5: plus}')).toBe('--input versions: the key +5 is a number, which YAML reads as the key "5": quote it ("+5") to keep it as written');
    expect(refusal('versions', '{00: zero}')).toBe('--input versions: the key 00 is a number, which YAML reads as the key "0": quote it ("00") to keep it as written');
    expect(refusal('versions', '{03: x}')).toBe('--input versions: the key 03 is a number, which YAML reads as the key "3": quote it ("03") to keep it as written');
    expect(read('versions', '{1.5: a, -1: b, 0: c, "1.10": d}')).toEqual({ '1.5': 'a', '-1': 'b', '0': 'c', '1.10': 'd' });
  });

  it('can hand the refusals back as problems of the inputs, leaving the refused values out', () => {
    const { inputs, problems } = readGivenInputsChecked(declared, { regions: '[!env HOME]', meta: '{a: 1, a: 2}', ids: '[7]' });
    expect(inputs).toEqual({ ids: [7] });
    expect(problems).toEqual([
      { code: 'invalid_input', message: '--input regions: item [0]: a YAML tag ("!env") \u2014 quote the value: "!env HOME"' },
      { code: 'invalid_input', message: '--input meta: the key "a" is given twice; keep one' },
    ]);
  });

  it('keeps text that does not read as a list or mapping as given: validation says what was expected', () => {
    expect(read('regions', 'eu')).toBe('eu');
    expect(read('regions', '!env HOME')).toBe('!env HOME');
    expect(read('regions', '[eu')).toBe('[eu');
  });
});

describe('readGivenInputs: an input without a declared type', () => {
  it('reads only exactly true/false as a boolean; True, TRUE, FALSE stay the text typed, while a true/false default still takes them', () => {
    const plan = { label: null, dbPassword: null, debug: false };
    const given = { label: 'TRUE', dbPassword: 'True', other: 'FALSE', on: 'true', off: 'false', debug: 'True' };
    expect(readGivenInputs(plan, given)).toEqual({ label: 'TRUE', dbPassword: 'True', other: 'FALSE', on: true, off: false, debug: true });
  });
});
