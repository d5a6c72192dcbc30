/**
 * Real clients against the emulator: the pinned twine uploads a wheel and an sdist built by `uv build`,
 * then the simple index lists them and pip downloads from it.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Emulator } from '../../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { recordOutput } from '../../support/leaks';
import { requireTool, runTool, tool, toolEnv } from '../../support/tools';
import { exchange } from '../client';
import { buildSampleDist, type SampleDist } from '../sample-dist';
import { blake2_256, sha256 } from '../upload-client';

const TWINE = tool('twine');
const maybe = requireTool('twine', 'uv', 'python') ? describe : describe.skip;

async function twine(em: Emulator, token: string, files: string[], extra: string[] = []) {
  const r = await runTool(TWINE, ['upload', '--non-interactive', '--disable-progress-bar', ...extra, ...files], {
    timeoutMs: 60_000,
    // The token travels in the environment, as the generated upload step passes it; never on the command line.
    env: { ...toolEnv(), TWINE_USERNAME: '__token__', TWINE_PASSWORD: token, TWINE_REPOSITORY_URL: em.uploadUrl },
  });
  recordOutput('twine stdout', r.stdout, true);
  recordOutput('twine stderr', r.stderr, false);
  // twine wraps its (coloured) messages to the terminal width: compare on one normalized line
  // eslint-disable-next-line no-control-regex
  const output = `${r.stdout}\n${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').replace(/\s+/g, ' ');
  return { code: r.code, output };
}

maybe('twine uploads, the simple index serves, pip downloads', () => {
  let em: Emulator;
  let dist: SampleDist;
  let token: string;

  beforeAll(async () => {
    em = await startTestEmulator({ projects: ['emu-sample'], publishers: [defaultPublisher(['emu-sample'])] });
    dist = buildSampleDist('emu-sample', '0.1.0');
    token = (await exchange(em)).body.token!;
  }, 120_000);

  test('twine uploads the wheel and the sdist with a minted token', async () => {
    const r = await twine(em, token, [dist.wheel, dist.sdist]);
    expect(r.code).toBe(0);
    expect(em.uploads().map((u) => u.filename).sort()).toEqual([basename(dist.sdist), basename(dist.wheel)].sort());
    for (const u of em.uploads()) {
      const file = readFileSync(u.filename.endsWith('.whl') ? dist.wheel : dist.sdist);
      expect(u).toMatchObject({ project: 'emu-sample', version: '0.1.0', sha256: sha256(file), size: file.length });
    }
  });

  test('/simple/ lists the project and its files with sha256 fragments', async () => {
    const index = await (await fetch(em.simpleUrl)).text();
    expect(index).toContain('<a href="/simple/emu-sample/">emu-sample</a>');
    const page = await fetch(`${em.simpleUrl}emu-sample/`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain(`${basename(dist.wheel)}#sha256=${sha256(readFileSync(dist.wheel))}`);
    expect(html).toContain(`${basename(dist.sdist)}#sha256=${sha256(readFileSync(dist.sdist))}`);
    expect(html).toContain('data-requires-python="&gt;=3.8"');
    // PEP 503: other spellings redirect to the normalized name
    const redirect = await fetch(`${em.simpleUrl}Emu_Sample/`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/simple/emu-sample/');
  });

  test('pip downloads the wheel from the simple index, byte for byte', async () => {
    const into = mkdtempSync(join(tmpdir(), 'emu-pip-'));
    const home = mkdtempSync(join(tmpdir(), 'emu-pip-home-'));
    const r = await runTool(tool('python'), ['-m', 'pip', 'download', '--isolated', '--no-cache-dir', '--no-deps',
      '--index-url', em.simpleUrl, '--dest', into, 'Emu.Sample==0.1.0'], { timeoutMs: 120_000, env: toolEnv({ HOME: home }) });
    recordOutput('pip stdout', r.stdout, true);
    recordOutput('pip stderr', r.stderr, false);
    expect(r.code).toBe(0);
    expect(readdirSync(into)).toEqual([basename(dist.wheel)]);
    expect(sha256(readFileSync(join(into, basename(dist.wheel))))).toBe(sha256(readFileSync(dist.wheel)));
  });

  test('re-uploading the identical files succeeds and stores nothing new', async () => {
    expect((await twine(em, token, [dist.wheel, dist.sdist])).code).toBe(0);
    expect(em.uploads()).toHaveLength(2);
  });

  test('different bytes under the same filename: 400 File already exists, shown by twine', async () => {
    const changed = buildSampleDist('emu-sample', '0.1.0', 'two');
    const r = await twine(em, token, [changed.wheel]);
    expect(r.code).toBe(1);
    expect(r.output).toContain('HTTPError: 400 Bad Request');
    // the hash PyPI names is the one of the file just sent
    expect(r.output).toContain(`File already exists ('emu_sample-0.1.0-py3-none-any.whl', with blake2_256 hash '${blake2_256(readFileSync(changed.wheel))}')`);
    expect(r.output).toContain(basename(changed.wheel));
    // twine 7 offers --skip-existing for upload.pypi.org and test.pypi.org only, and says so for any other URL
    const skipped = await twine(em, token, [changed.wheel], ['--skip-existing']);
    expect(skipped.code).toBe(1);
    expect(skipped.output).toContain(`UnsupportedConfiguration: The configured repository '${em.uploadUrl}' does not have support for the following features: --skip-existing`);
    expect(em.uploads()).toHaveLength(2);
  }, 120_000);

  test('an expired token: twine shows 403 Invalid API Token: token is expired', async () => {
    const next = buildSampleDist('emu-sample', '0.2.0');
    em.clock.advance(901);
    try {
      const r = await twine(em, token, [next.wheel]);
      expect(r.code).toBe(1);
      expect(r.output).toContain('HTTPError: 403 Forbidden');
      expect(r.output).toContain('Invalid API Token: token is expired');
    } finally {
      em.clock.reset();
    }
  }, 120_000);

  test('a token for another project: twine shows 403', async () => {
    em.addProject('other-sample');
    const other = buildSampleDist('other-sample', '1.0.0');
    const r = await twine(em, token, [other.wheel]);
    expect(r.code).toBe(1);
    expect(r.output).toContain('HTTPError: 403 Forbidden');
    expect(r.output).toContain("The given token isn't allowed to upload to project 'other-sample'");
  }, 120_000);
});
