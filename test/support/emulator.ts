/**
 * Start the emulator for a test file: every JWT and `pypi-` token it issues is registered with the leak scanner,
 * and it is closed after the file's tests. Call it inside a `beforeAll` (or at the top of a test).
 */
import { registerSecret } from './leaks';
import { startEmulator, type Emulator, type EmulatorConfig } from '../../src/emulator';
import { defaultRunnerClaims } from '../../src/emulator/github-oidc/runner-claims';

const running = new Set<Emulator>();

afterAll(async () => {
  await Promise.all([...running].map((e) => e.close()));
  running.clear();
});

export async function startTestEmulator(config?: EmulatorConfig): Promise<Emulator> {
  const emulator = await startEmulator(config, { onSecret: registerSecret });
  running.add(emulator);
  return emulator;
}

/** The publisher matching the emulator's default runner claims (octo-org/demo, release.yml, environment pypi). */
export function defaultPublisher(projects: string[] = ['demo-package']) {
  const claims = defaultRunnerClaims();
  const [owner, repository] = claims.repository.split('/');
  const workflow = /\/\.github\/workflows\/([^/@]+)@/.exec(claims.job_workflow_ref)![1];
  return { projects, owner, ownerId: claims.repository_owner_id, repository, workflow, environment: claims.environment };
}
