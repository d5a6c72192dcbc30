/** The root action.yml is the contract users pin (and the component ships): it must describe what the action reads. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readInput } from '../../src/kit/inputs';
import { PYPI } from '../../src/pypi';

const root = join(__dirname, '..', '..');
const actionYml = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
const source = readFileSync(join(root, 'src', 'mint', 'inputs.ts'), 'utf8');

describe('action.yml', () => {
  test('declares exactly the inputs the action reads, each with a description', () => {
    const read = [...source.matchAll(/readInput\(env, '([a-z-]+)'\)/g)].map((m) => m[1]);
    expect(Object.keys(actionYml.inputs).sort()).toEqual([...new Set(read)].sort());
    for (const input of Object.values(actionYml.inputs as Record<string, { description: string }>)) {
      expect(input.description.length).toBeGreaterThan(20);
    }
  });

  test('each input reaches the action under the name GitHub gives it (INPUT_<NAME>, hyphen kept)', () => {
    for (const name of Object.keys(actionYml.inputs)) {
      expect(readInput({ [`INPUT_${name.toUpperCase()}`]: ' value ' }, name)).toBe('value');
    }
  });

  test('the documented index-url default is the one the action applies', () => {
    expect(actionYml.inputs['index-url'].default).toBe(PYPI.uploadUrl);
  });

  test('declares the outputs the action writes', () => {
    expect(Object.keys(actionYml.outputs).sort()).toEqual(['api-token', 'expires']);
  });

  test('is a drop-in for tschm/token-mint-action: input `audience`, output `api-token`, nothing else required', () => {
    expect(actionYml.inputs.audience).toBeDefined();
    expect(actionYml.outputs['api-token']).toBeDefined();
    expect(Object.values(actionYml.inputs as Record<string, { required?: boolean }>).some((i) => i.required)).toBe(false);
  });

  test('runs the committed bundle on node24', () => {
    expect(actionYml.runs.using).toBe('node24');
    expect(existsSync(join(root, actionYml.runs.main))).toBe(true);
    expect(actionYml.inputs['index-url'].default).toBe('https://upload.pypi.org/legacy/');
  });
});
