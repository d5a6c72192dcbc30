/**
 * The simple API as PyPI serves it (warehouse/api/simple.py, warehouse/packaging/utils.py): PEP 691 JSON or PEP 503
 * HTML by the Accept header, with PyPI's fields; and what real clients do with it: pip and uv ask for JSON and
 * download byte for byte, `uv publish --check-url` skips files already there with the same hash and refuses to
 * upload different bytes under a name the index has.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Emulator } from '../../../src/emulator';
import { selectContentType } from '../../../src/emulator/pypi/simple';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { recordOutput } from '../../support/leaks';
import { pipDownload, uvInstall } from '../../support/simple-index';
import { requireTool, runTool, tool, toolEnv } from '../../support/tools';
import { exchange } from '../client';
import { buildSampleDist, type SampleDist } from '../sample-dist';
import { sha256 } from '../upload-client';

jest.setTimeout(180_000);

const JSON_V1 = 'application/vnd.pypi.simple.v1+json';
const HTML_V1 = 'application/vnd.pypi.simple.v1+html';

describe('content negotiation, as webob\'s acceptable_offers does it for PyPI', () => {
  test.each([
    [undefined, 'text/html'],
    ['', 'text/html'],
    [JSON_V1, JSON_V1],
    [HTML_V1, HTML_V1],
    ['text/html', 'text/html'],
    // pip's and uv's headers: JSON first, HTML as a fallback
    [`${JSON_V1}, ${HTML_V1}; q=0.1, text/html; q=0.01`, JSON_V1],
    [`${JSON_V1}, ${HTML_V1};q=0.2, text/html;q=0.01`, JSON_V1],
    // q-values rank the offers; ties keep PyPI's order (text/html, v1+html, v1+json)
    [`${JSON_V1};q=0.1, text/html;q=0.5`, 'text/html'],
    [`${JSON_V1}, text/html`, 'text/html'],
    ['*/*', 'text/html'],
    [`*/*;q=0.1, ${JSON_V1}`, JSON_V1],
    ['application/*', HTML_V1],
    // a more specific range overrides a wildcard, q=0 refuses
    [`application/*;q=0.9, ${HTML_V1};q=0`, JSON_V1],
    // nothing acceptable: HTML anyway, as PyPI answers
    ['application/json', 'text/html'],
    [`${JSON_V1};q=0`, 'text/html'],
  ])('Accept %j -> %s', (accept, expected) => {
    expect(selectContentType(accept)).toBe(expected);
  });
});

const maybe = requireTool('uv', 'python') ? describe : describe.skip;

maybe('the JSON and HTML pages over uploaded files, read by pip and uv', () => {
  let em: Emulator;
  let dist: SampleDist;
  let token: string;

  async function uvPublish(files: string[], extra: string[] = []) {
    const r = await runTool(tool('uv'), ['publish', '--trusted-publishing', 'never', '--check-url', em.simpleUrl, ...extra, ...files], {
      env: toolEnv({ UV_PUBLISH_TOKEN: token, UV_PUBLISH_URL: em.uploadUrl }),
    });
    recordOutput('uv publish stdout', r.stdout, true);
    recordOutput('uv publish stderr', r.stderr, false);
    return { code: r.code, output: `${r.stdout}\n${r.stderr}` };
  }

  beforeAll(async () => {
    em = await startTestEmulator({ projects: ['simple-sample'], publishers: [defaultPublisher(['simple-sample'])] });
    dist = buildSampleDist('Simple.Sample', '0.4.0');
    token = (await exchange(em)).body.token!;
  }, 120_000);

  test('uv publish --check-url uploads what the index does not have', async () => {
    const r = await uvPublish([dist.wheel, dist.sdist]);
    expect(r.output).toContain(`Uploading ${basename(dist.wheel)}`);
    expect(r.code).toBe(0);
    expect(em.uploads()).toHaveLength(2);
  });

  test('/simple/<project>/ in JSON: PyPI\'s fields for every file', async () => {
    const res = await fetch(`${em.simpleUrl}simple-sample/`, { headers: { accept: JSON_V1 } });
    expect(res.headers.get('content-type')).toBe(JSON_V1);
    expect(res.headers.get('vary')).toBe('Accept');
    expect(res.headers.get('x-pypi-last-serial')).toBe('2');
    const body = await res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ 'meta': { 'api-version': '1.4', '_last-serial': 2 }, 'name': 'simple-sample', 'project-status': { status: 'active' }, 'versions': ['0.4.0'] });
    const files = body.files as Array<Record<string, unknown>>;
    expect(files.map((f) => f.filename)).toEqual([basename(dist.wheel), basename(dist.sdist)].sort());
    for (const f of files) {
      const isWheel = f.filename === basename(dist.wheel);
      const bytes = readFileSync(isWheel ? dist.wheel : dist.sdist);
      // a wheel's METADATA is served next to it (PEP 658); an sdist has none
      let metadata: false | { sha256: string } = false;
      if (isWheel) {
        const served = Buffer.from(await (await fetch(new URL(`${String(f.url)}.metadata`, em.simpleUrl))).arrayBuffer());
        expect(served.toString('utf8')).toMatch(/^Metadata-Version: 2\.\d\nName: Simple\.Sample\nVersion: 0\.4\.0\n/);
        metadata = { sha256: sha256(served) };
      }
      expect(f).toEqual({
        'filename': f.filename,
        'url': `/files/simple-sample/${String(f.filename)}`,
        'hashes': { sha256: sha256(bytes) },
        'requires-python': '>=3.8',
        'size': bytes.length,
        'upload-time': expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
        'yanked': false,
        'data-dist-info-metadata': metadata,
        'core-metadata': metadata,
        'provenance': null,
      });
      const served = Buffer.from(await (await fetch(new URL(String(f.url), em.simpleUrl))).arrayBuffer());
      expect(sha256(served)).toBe(sha256(bytes));
    }
    const index = await (await fetch(em.simpleUrl, { headers: { accept: JSON_V1 } })).json();
    expect(index).toEqual({ meta: { 'api-version': '1.4', '_last-serial': 2 }, projects: [{ 'name': 'simple-sample', '_last-serial': 2 }] });
    // no Accept: HTML, as before
    const html = await fetch(`${em.simpleUrl}simple-sample/`);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await html.text();
    expect(text).toMatch(new RegExp(`${basename(dist.wheel).replace(/\./g, '\\.')}#sha256=[0-9a-f]{64}" data-requires-python="&gt;=3\\.8" ` +
      'data-dist-info-metadata="sha256=[0-9a-f]{64}" data-core-metadata="sha256=[0-9a-f]{64}"'));
  });

  test('pip and uv ask for JSON, and get the files byte for byte', async () => {
    const before = em.requests('simple').length;
    const [wheel] = await pipDownload(em.simpleUrl, 'simple-sample==0.4.0', 'wheel');
    expect(wheel.sha256).toBe(sha256(readFileSync(dist.wheel)));
    expect(await uvInstall(em.simpleUrl, 'simple-sample', '0.4.0', 'wheel')).toBe('0.4.0');
    const pages = em.requests('simple').slice(before).filter((r) => r.url === '/simple/simple-sample/');
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const r of pages) expect(selectContentType(r.accept)).toBe(JSON_V1);
  });

  test('uv publish --check-url skips files the index has with the same hash', async () => {
    const uploadsBefore = em.requests('upload').length;
    const r = await uvPublish([dist.wheel, dist.sdist]);
    expect(r.code).toBe(0);
    expect(r.output).toMatch(new RegExp(`File ${basename(dist.wheel).replace(/\./g, '\\.')} already exists`));
    // nothing was sent to /legacy/
    expect(em.requests('upload').length).toBe(uploadsBefore);
    expect(em.uploads()).toHaveLength(2);
  });

  test('uv publish --check-url refuses different bytes under a name the index has', async () => {
    const changed = buildSampleDist('Simple.Sample', '0.4.0', 'changed');
    const r = await uvPublish([changed.wheel]);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain(`error: Local file and index file do not match for \`${basename(changed.wheel)}\`. ` +
      `Local: sha256=${sha256(readFileSync(changed.wheel))}, Remote: sha256=${sha256(readFileSync(dist.wheel))}`);
    expect(em.uploads().find((u) => u.filename === basename(changed.wheel))?.sha256).toBe(sha256(readFileSync(dist.wheel)));
  });
});
