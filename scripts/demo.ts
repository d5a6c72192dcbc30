/**
 * `npx projen demo`: a tag push released to an emulated PyPI, on this machine, with Node, npm and a Python 3 with pip.
 * It installs the pinned Python tools it needs into .tools/ (`npx projen tools:install`, reused when up to date);
 * in a temp directory it synthesizes a sample projen Python project that uses `PypiRelease` with its defaults, prints
 * the trusted-publisher settings and the generated publish job, starts the emulator (PyPI + GitHub's OIDC issuer)
 * with that publisher registered, builds the distributions with `uv build`, runs the publish job step by step with
 * the same harness as the end-to-end tests (its upload is the real `uv publish`), and lists the files now on the
 * emulated index. It exits 0 only when every built file is there, byte for byte.
 *
 * Without the tools (PyPI unreachable, or `--without-python`, acting as a machine with only Node and npm), it still
 * runs the mint and explains what could not run, and exits 1: nothing was uploaded. `--keep` leaves the synthesized
 * project and the dists in the temp directory. No token or JWT is ever printed unmasked; the demo checks its own
 * output at the end.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { installTools } from './tools/install';
import { startEmulator } from '../src/emulator';
import type { StepResult } from '../src/rehearsal';
import { keepTempDirs, tempDir } from '../src/rehearsal/temp-dirs';
import { assertNoLeaks, recordOutput, registerSecret, scanStats } from '../test/support/leaks';
import { runPublishJob } from '../test/support/publish-run';
import { buildDists, BuiltDists } from '../test/support/python-dists';
import { emulatorPublisher, synthesizeSampleRelease } from '../test/support/sample-release';
import { simpleLinks } from '../test/support/simple-index';

/** The part of a PEP 740 provenance object the demo prints. */
interface ProvenanceView {
  attestation_bundles?: Array<{
    publisher?: { kind?: string; repository?: string; workflow?: string; environment?: string | null };
    attestations?: Array<{ verification_material?: { transparency_entries?: Array<{ logIndex?: string }> } }>;
  }>;
}

const printed: string[] = [];
function say(text = ''): void {
  printed.push(text);
  process.stdout.write(`${text}\n`);
}
function indent(text: string, by = '    '): string {
  return text.split('\n').map((l) => (l === '' ? l : by + l)).join('\n');
}
/** Tools draw progress bars with ANSI codes (GitHub renders them); a terminal transcript reads better without. */
function plain(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').split('\n').filter((l) => !l.includes('━')).join('\n');
}
function heading(n: number, title: string): void {
  say();
  say(`${n}. ${title}`);
}

/** The publish job's lines, exactly as in the generated file. */
function jobYaml(workflowText: string, jobId: string): string {
  const lines = workflowText.split('\n');
  const start = lines.findIndex((l) => l === `  ${jobId}:`);
  const end = lines.findIndex((l, i) => i > start && /^ {0,2}\S/.test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

function stepLine(s: StepResult): string {
  const mark = s.outcome === 'success' ? '✓' : s.outcome === 'failure' ? '✗' : '-';
  const how = s.kind === 'stand-in' ? ' [stand-in]' : s.kind === 'local-action' ? ' [real Node 24]' : '';
  return `  ${mark} ${s.displayName}${how}${s.outcome === 'skipped' ? ' (skipped)' : ''}`;
}

/** Installs the pinned tools (or reuses them); why they are not there, or undefined when they are. */
function pythonTools(pretendMissing: boolean): string | undefined {
  if (pretendMissing) return 'run with --without-python (acting as a machine with only Node and npm)';
  try {
    installTools((line) => say(line));
    return undefined;
  } catch (e) {
    return `npx projen tools:install failed (it needs a Python 3 with pip, and PyPI): ${(e as Error).message.split('\n')[0]}`;
  }
}

async function main(argv: string[]): Promise<number> {
  const keep = argv.includes('--keep');
  if (keep) keepTempDirs();
  say('projen-pypi-mint demo: a version tag released to an emulated PyPI, on this machine');

  heading(0, 'The pinned Python tools (uv builds and uploads), from their hash-locked sets into .tools/');
  const missingTools = pythonTools(argv.includes('--without-python'));
  if (missingTools !== undefined) say(`  not available: ${missingTools}`);

  heading(1, 'A sample Python project with PypiRelease');
  // without Python nothing is built, so there is nothing to sign: the attest step would (rightly) stop the job
  const sample = synthesizeSampleRelease({ flavour: 'setuptools', name: 'demo-widgets', release: missingTools === undefined ? undefined : { attestations: false } });
  say('  new python.PythonProject({ name: "demo-widgets", ... })');
  if (missingTools === undefined) {
    say("  new PypiRelease(project, { repository: 'octo-org/demo' })   // the defaults: uv build, PEP 740 attestations, uv publish");
  } else {
    say("  new PypiRelease(project, { repository: 'octo-org/demo', attestations: false })   // nothing will be built to sign");
  }
  say(`  synthesized in ${sample.dir}${keep ? '' : ' (removed at the end; --keep leaves it)'}:`);
  say(`    .github/workflows/${sample.workflowFile}, .github/actions/pypi-mint/{action.yml,index.cjs}` +
    `${missingTools === undefined ? ', .github/actions/pypi-attest/{action.yml,index.cjs}' : ''}`);

  heading(2, 'What to register on PyPI (PypiRelease.trustedPublishers(); also in the workflow header)');
  for (const tp of sample.trustedPublishers) {
    say(`  ${tp.indexName}, project "${tp.distributionName}": owner ${tp.owner}, repository ${tp.repositoryName}, ` +
      `workflow ${tp.workflowFileName}, environment ${tp.environment}`);
    say(`    ${tp.projectSettingsUrl}`);
  }

  heading(3, `The generated publish job (.github/workflows/${sample.workflowFile})`);
  say(indent(jobYaml(sample.workflowText, 'publish_pypi')));

  heading(4, 'The emulator: PyPI and GitHub\'s OIDC issuer on loopback, with that publisher registered');
  const emulator = await startEmulator({
    projects: [sample.name],
    publishers: sample.trustedPublishers.map((tp) => emulatorPublisher(tp)),
  }, { onSecret: registerSecret });
  try {
    say(`  PyPI ${emulator.pypiUrl} (upload URL ${emulator.uploadUrl}), OIDC issuer ${emulator.oidc.issuer}`);
    say(`  Sigstore (Fulcio and Rekor) ${emulator.sigstore.fulcioUrl}`);
    say(`  https://upload.pypi.org/legacy/ in the job is repointed at ${emulator.uploadUrl}, https://pypi.org/simple/ at ${emulator.simpleUrl}, ` +
      'https://fulcio.sigstore.dev and https://rekor.sigstore.dev at the emulator\'s Sigstore');

    heading(5, 'The build job\'s artifact: sdist and wheel');
    let dists: BuiltDists;
    if (missingTools === undefined) {
      dists = buildDists(sample.dir);
      say(`  uv build: ${dists.files.map((f) => f.filename).join(', ')}`);
    } else {
      // a placeholder, so that the artifact is not empty: the publish job checks it against the build's sha256 list,
      // mints, and then has nothing real to upload
      const dir = tempDir('demo-unbuilt-dist-');
      writeFileSync(join(dir, 'NOT-BUILT.txt'), 'nothing could be built on this machine\n');
      dists = { dir, files: [] };
      say(`  could not build: ${missingTools}`);
      say('  dist/ holds only a placeholder; the publish job still checks it, runs and mints, but has nothing to upload');
    }

    heading(6, `The publish job, step by step, for a push of tag v${sample.version} (as GitHub would run it)`);
    const job = await runPublishJob(sample, dists, emulator, missingTools === undefined ? {} : {
      tools: { python: null, uv: null },
      tolerateMissingTools: true,
    });
    for (const s of job.steps) {
      say(stepLine(s));
      if (s.log !== '') say(indent(plain(s.log).trimEnd(), '      '));
    }
    const mint = job.step('mint');
    const minted = mint.outcome === 'success';
    if (minted) {
      const token = mint.outputs['api-token'] ?? '';
      const expires = new Date(Number(mint.outputs.expires) * 1000).toISOString();
      say(`  steps.mint.outputs.api-token: *** (a ${token.slice(0, 5)}… token, ${token.length} characters, expires ${expires});`);
      say('  masked in every log, and passed to the upload step\'s env only');
    } else {
      say('  the mint step failed: see its log above');
    }
    if (missingTools !== undefined) say(`  the upload could not run: ${missingTools}`);

    heading(7, `Files now on the emulated index (${emulator.simpleUrl}${sample.name}/)`);
    const links = job.conclusion === 'success' ? await simpleLinks(emulator.simpleUrl, sample.name) : [];
    if (links.length === 0) say('  none');
    for (const l of links) {
      const kind = l.filename.endsWith('.whl') ? 'wheel' : l.filename.endsWith('.tar.gz') ? 'sdist' : 'file';
      const built = dists.files.find((f) => f.filename === l.filename);
      say(`  ${l.filename}  (${kind}, sha256 ${l.sha256?.slice(0, 12)}…${built?.sha256 === l.sha256 ? ', same bytes as built' : ''})`);
    }

    if (links.length > 0 && job.steps.some((s) => s.id === 'attest' && s.outcome === 'success')) {
      heading(8, 'Their PEP 740 attestations, as PyPI serves them (the Integrity API)');
      for (const l of links) {
        const url = `${emulator.pypiUrl}/integrity/${sample.name}/${sample.version}/${l.filename}/provenance`;
        const res = await fetch(url);
        const body = await res.text();
        recordOutput(`provenance of ${l.filename}`, body, false);
        const provenance = JSON.parse(body) as ProvenanceView;
        const bundle = provenance.attestation_bundles?.[0];
        const entry = bundle?.attestations?.[0]?.verification_material?.transparency_entries?.[0];
        say(`  ${l.filename}: GET ${url} -> ${res.status}`);
        say(`    published by ${bundle?.publisher?.kind} ${bundle?.publisher?.repository}, workflow ${bundle?.publisher?.workflow}, ` +
          `environment ${bundle?.publisher?.environment}; Rekor log index ${entry?.logIndex}`);
      }
      say(`  On pypi.org the same shows on https://pypi.org/project/${sample.name}/${sample.version}/#files: each file's`);
      say('  "Provenance" section ("Verified details", the publisher and the transparency log entry); check one locally with');
      say(`  pypi-attestations verify pypi --repository https://github.com/${sample.repository} pypi:<file name>`);
    }

    recordOutput('demo output', printed.join('\n'), true);
    const { secrets, outputs } = scanStats();
    assertNoLeaks();
    say();
    say(`Leak check: ${outputs} captured outputs scanned for ${secrets} issued secrets: no token or JWT unmasked.`);
    const uploaded = dists.files.length > 0 && links.length === dists.files.length
      && dists.files.every((f) => links.some((l) => l.filename === f.filename && l.sha256 === f.sha256));
    if (uploaded && minted) {
      say('Done: the release is on the emulated index.');
      return 0;
    }
    say(missingTools !== undefined
      ? `Not released: nothing was uploaded (${missingTools}).`
      : 'Not released: the demo did not end as expected; see the step logs above.');
    return 1;
  } finally {
    await emulator.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
