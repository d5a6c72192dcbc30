/** The root action.yml is the contract users pin: it must say what src/action/metadata.ts says, and run the bundle. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ACTION_BRANDING, ACTION_INPUTS, ACTION_NAME, ACTION_OUTPUTS, ACTION_RUNS, ACTION_DESCRIPTION } from '../../src/action/metadata';

const root = join(__dirname, '..', '..');
const actionYml = parse(readFileSync(join(root, 'action.yml'), 'utf8'));
const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('action.yml', () => {
  test('matches src/action/metadata.ts', () => {
    expect(actionYml.name).toBe(ACTION_NAME);
    expect(squash(actionYml.description)).toBe(squash(ACTION_DESCRIPTION));
    expect(actionYml.branding).toEqual(ACTION_BRANDING);
    expect(actionYml.runs).toEqual(ACTION_RUNS);
    expect(Object.keys(actionYml.inputs)).toEqual(Object.keys(ACTION_INPUTS));
    for (const [name, input] of Object.entries(ACTION_INPUTS)) {
      expect({ ...actionYml.inputs[name], description: squash(actionYml.inputs[name].description) })
        .toEqual({ ...input, description: squash(input.description) });
    }
    expect(Object.keys(actionYml.outputs)).toEqual(Object.keys(ACTION_OUTPUTS));
    for (const [name, output] of Object.entries(ACTION_OUTPUTS)) {
      expect(squash(actionYml.outputs[name].description)).toBe(squash(output.description));
    }
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
