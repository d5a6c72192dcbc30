import { EmulatorConfigError, startEmulator, validateConfig } from '../../src/emulator';

function problemsOf(config: unknown): string[] {
  try {
    validateConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(EmulatorConfigError);
    return (err as EmulatorConfigError).problems;
  }
  return [];
}

const publisher = { projects: ['p'], owner: 'o', ownerId: '1', repository: 'r', workflow: 'release.yml' };

test('a valid config passes; a numeric owner id becomes its decimal string', () => {
  expect(problemsOf({ audience: 'testpypi', publishers: [publisher] })).toEqual([]);
  expect(validateConfig({ publishers: [{ ...publisher, ownerId: 42 }] }).publishers![0].ownerId).toBe('42');
});

test.each([
  [{ pypiPort: 70000 }, 'pypiPort: expected an integer port between 0 and 65535'],
  [{ trustedPublishing: 'yes' }, 'trustedPublishing: expected true or false'],
  [{ projects: 'demo' }, 'projects: expected an array of strings'],
  [{ publishers: [{ ...publisher, owner: '' }] }, 'publishers[0].owner: expected a non-empty string'],
  [{ publishers: [{ ...publisher, workflow: 'release' }] }, "publishers[0].workflow: expected a workflow filename ending in .yml or .yaml, without '/'"],
  [{ publishers: [{ ...publisher, environment: 'a,b' }] }, 'publishers[0].environment: at most 255 characters'],
  [{ publishers: [{ ...publisher, environment: ' pypi' }] }, 'publishers[0].environment: at most 255 characters'],
  [{ publishers: [{ ...publisher, envirnoment: 'pypi' }] }, 'publishers[0].envirnoment: unknown field'],
  [{ pendingPublishers: [{ ...publisher, projects: undefined }] }, 'pendingPublishers[0].project: expected a non-empty string'],
  [{ runner: { repository_owner_id: 4242 } }, 'runner.repository_owner_id: expected a string'],
  [{ extraIssuers: ['ftp://issuer'] }, 'extraIssuers[0]: expected an http(s) URL'],
  [{ tokenLifetimeSeconds: 0 }, 'tokenLifetimeSeconds: expected a positive integer'],
  [[], 'config: expected a JSON object'],
])('%j is refused', (config, problem) => {
  expect(problemsOf(config).some((p) => p.startsWith(problem))).toBe(true);
});

test('startEmulator refuses a bad config before listening', async () => {
  await expect(startEmulator({ audience: '' })).rejects.toThrow(/audience: expected a non-empty string/);
});
