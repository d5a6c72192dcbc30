/**
 * `npx pypi-mint-emulator … &` then `kill $!`: the PID is npm's, and npm does not pass the signal on. The CLI stops
 * when the process that started it is gone. Here a parent that cannot pass anything on (killed with SIGKILL) stands
 * in for npm.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { EMULATOR_CLI } from '../support/emulator-cli';
import { MACHINE_NODE } from '../support/node';

beforeAll(() => {
  if (!existsSync(EMULATOR_CLI)) throw new Error(`${EMULATOR_CLI} is missing: run 'npx projen bundle:emulator' (the test task does it first)`);
});

function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET' }, (res) => { res.resume(); resolve(true); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

test('the emulator stops when the process that started it (npx) is killed', async () => {
  // the "npx" process: starts the CLI as a child with its stdout, then just waits
  const launcher = `const c = require('child_process').spawn(process.execPath, [${JSON.stringify(EMULATOR_CLI)}], { stdio: ['ignore', 'inherit', 'inherit'] });
setInterval(() => {}, 1000);`;
  const parent = spawn(MACHINE_NODE, ['-e', launcher], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    parent.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    parent.on('exit', () => reject(new Error(`launcher exited before the emulator printed its URLs: ${out}`)));
  });
  const { indexUrl } = JSON.parse(line) as { indexUrl: string };
  const simple = `${indexUrl}/simple/`;
  expect(await answers(simple)).toBe(true);
  parent.kill('SIGKILL');
  // the emulator notices within a fraction of a second; wait for it without asserting a duration
  let up = true;
  for (let i = 0; i < 100 && up; i++) {
    await new Promise((r) => setTimeout(r, 100));
    up = await answers(simple);
  }
  expect(up).toBe(false);
});
