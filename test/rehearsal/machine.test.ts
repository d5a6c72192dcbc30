/**
 * The rehearsal's tool cache under concurrency: rehearsals started side by side (two terminals, a test suite's
 * workers) share one cache directory, and none of them may see, or remove, another's half-written install.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installOnce } from '../../src/rehearsal/machine';
import { tempDir } from '../../src/rehearsal/temp-dirs';

const MACHINE = join(__dirname, '..', '..', 'src', 'rehearsal', 'machine.ts');

/** One process that installs into `dir` slowly (file by file), then prints whether it installed or reused. */
function racer(dir: string, stamp: string): Promise<string> {
  const script = `
    const { writeFileSync } = require('node:fs');
    const { join } = require('node:path');
    const { installOnce } = require(${JSON.stringify(MACHINE)});
    const fresh = installOnce(${JSON.stringify(dir)}, ${JSON.stringify(stamp)}, (into) => {
      for (let i = 0; i < 20; i++) {
        writeFileSync(join(into, 'part-' + i), String(process.pid));
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      }
    });
    process.stdout.write(fresh ? 'installed' : 'reused');
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`racer exited ${code}: ${err}`))));
  });
}

test('installs started side by side leave one complete install and no partial directories', async () => {
  const cache = tempDir('machine-race-');
  const dir = join(cache, 'tools', 'tool-1');
  const results = await Promise.all([racer(dir, 'stamp-a'), racer(dir, 'stamp-a'), racer(dir, 'stamp-a')]);
  expect(results).toContain('installed');
  for (const r of results) expect(['installed', 'reused']).toContain(r);
  // one writer's files, all of them, and its stamp
  const files = readdirSync(dir).filter((f) => f.startsWith('part-'));
  expect(files).toHaveLength(20);
  expect(new Set(files.map((f) => readFileSync(join(dir, f), 'utf8'))).size).toBe(1);
  expect(readFileSync(join(dir, '.pypi-mint-stamp'), 'utf8')).toBe('stamp-a');
  expect(readdirSync(join(cache, 'tools'))).toEqual(['tool-1']);
  // and the next run reuses it
  expect(await racer(dir, 'stamp-a')).toBe('reused');
});

test('an incomplete or outdated install is replaced; a failed install leaves the old one and no partial directory', () => {
  const cache = tempDir('machine-stale-');
  const dir = join(cache, 'tool');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'leftover'), 'from an interrupted run');
  expect(installOnce(dir, 'v2', (into) => writeFileSync(join(into, 'new'), 'x'))).toBe(true);
  expect(existsSync(join(dir, 'leftover'))).toBe(false);
  expect(readFileSync(join(dir, '.pypi-mint-stamp'), 'utf8')).toBe('v2');

  expect(() => installOnce(dir, 'v3', () => { throw new Error('pip failed'); })).toThrow('pip failed');
  expect(readFileSync(join(dir, '.pypi-mint-stamp'), 'utf8')).toBe('v2');
  expect(readdirSync(cache)).toEqual(['tool']);
  expect(installOnce(dir, 'v2', () => { throw new Error('not called'); })).toBe(false);
});
