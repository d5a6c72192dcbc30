/**
 * The shipped steps and the emulator as bundles: `bundle:action` / `bundle:attest` regenerate the committed bundles
 * (marked generated in .gitattributes, so review shows their sha256 files instead), the checks fail the build on a
 * stale one, and `bundle:emulator` builds the `pypi-mint-emulator` bin.
 */
import { cdk } from 'projen';

export function setupBundles(project: cdk.JsiiProject): void {
  // --- the shipped steps: one committed esbuild bundle each, checked against its source on every build -------------
  // The licence policy: each bundle opens with a `/*!` comment naming every package bundled into it, with its licence
  // (test/kit/bundles.test.ts checks the list against esbuild's metafile), and keeps the packages' own legal comments
  // at the end of the file (`--legal-comments=eof`).
  const toolkit = '@actions/core (MIT, Copyright GitHub); jose (MIT, Copyright Filip Skokan)';
  const sigstore = '@sigstore/bundle, @sigstore/core, @sigstore/protobuf-specs, @sigstore/tuf, @sigstore/verify (Apache-2.0, ' +
    'Copyright The Sigstore Authors)';
  // the mint step: small and fast, not minified (a reviewer can read the committed bundle)
  shippedStepBundle(project, 'action', 'mint', 'check:bundle', [licenceBanner('mint', toolkit)]);
  // the attest step: its own bundle (the kit, its own Sigstore clients and @sigstore/verify with its protobuf types and
  // the embedded trusted root), minified; review its source, the drift check ties the two together. docs/security.md
  // has the sizes.
  shippedStepBundle(project, 'attest', 'attest', 'check:bundle-attest', ['--minify', licenceBanner('attest', `${toolkit}; ${sigstore}`)]);

  // --- the emulator: bundled into one file with its dependencies, so the package needs no runtime deps -----------
  // both are bins: executable where they are built, as npm makes them where it installs them (a test links the
  // working tree as the installed package)
  project.addTask('bundle:emulator', {
    description: 'Bundle the PyPI + GitHub OIDC emulator CLI into lib/emulator/cli.cjs',
    exec: 'esbuild src/emulator/cli.ts --bundle --platform=node --target=node20 --format=cjs --log-level=warning ' +
      '--banner:js="#!/usr/bin/env node" --outfile=lib/emulator/cli.cjs',
  }).exec('chmod 755 lib/emulator/cli.cjs');
  project.addBins({ 'pypi-mint-emulator': 'lib/emulator/cli.cjs' });

  // --- the rehearsal (`npx projen pypi:rehearse` in a user's project): the runner, the emulator and yaml in one file ---
  project.addTask('bundle:rehearsal', {
    description: 'Bundle the rehearsal runner CLI (with the emulator) into lib/rehearsal/cli.cjs',
    exec: 'esbuild src/rehearsal/cli.ts --bundle --platform=node --target=node20 --format=cjs --log-level=warning ' +
      '--banner:js="#!/usr/bin/env node" --outfile=lib/rehearsal/cli.cjs',
  }).exec('chmod 755 lib/rehearsal/cli.cjs');
  project.addBins({ 'pypi-mint-rehearse': 'lib/rehearsal/cli.cjs' });
  for (const bundle of ['/action/index.cjs', '/attest/index.cjs']) project.annotateGenerated(bundle);

  project.postCompileTask.spawn(project.tasks.tryFind('bundle:emulator')!);
  project.postCompileTask.spawn(project.tasks.tryFind('bundle:rehearsal')!);
  project.postCompileTask.spawn(project.tasks.tryFind('check:bundle')!);
  project.postCompileTask.spawn(project.tasks.tryFind('check:bundle-attest')!);
  project.testTask.prependSpawn(project.tasks.tryFind('bundle:emulator')!);
  project.testTask.prependSpawn(project.tasks.tryFind('bundle:rehearsal')!);
}

/** esbuild's `--banner:js` flag: the step, this package's licence, and the bundled packages with theirs. */
function licenceBanner(step: string, bundled: string): string {
  return `--banner:js='/*! projen-pypi-mint ${step} step (Apache-2.0). Bundled: ${bundled}. Licence texts: ` +
    'https://www.apache.org/licenses/LICENSE-2.0, https://opensource.org/license/mit */\'';
}

/**
 * `bundle:<name>` regenerates `<name>/index.cjs` (the path the step's action.yml names) from `src/<source>` (and
 * re-synthesizes, so this repository's own copy in `.github/actions/` follows); `<check>` fails the build when the
 * committed bundle differs from a fresh one.
 */
function shippedStepBundle(project: cdk.JsiiProject, name: string, source: string, check: string, extraFlags: string[] = []): void {
  const bundle = `${name}/index.cjs`;
  const esbuild = (outfile: string) =>
    `esbuild src/${source}/main.ts --bundle --platform=node --target=node24 --format=cjs --charset=utf8 ` +
    [...extraFlags, `--legal-comments=eof --tsconfig=src/${source}/tsconfig.json --log-level=warning --outfile=${outfile}`].join(' ');
  project.addTask(`bundle:${name}`, {
    description: `Regenerate ${bundle} from src/${source} (commit the result)`,
    steps: [{ exec: esbuild(bundle) }, { spawn: 'default' }],
  });
  const fresh = `.cache/bundle-check/${name}.cjs`;
  project.addTask(check, {
    description: `Fail when the committed ${bundle} differs from a fresh build of src/${source}`,
    steps: [
      { exec: esbuild(fresh) },
      {
        // projen's task shell has no `{ ...; }` grouping: compare in node, with a message that says what to do
        exec: 'node -e "const fs = require(\'fs\'); ' +
          `if (!fs.readFileSync('${bundle}').equals(fs.readFileSync('${fresh}'))) { ` +
          `console.error('${bundle} is out of date with src/${source}: run npx projen bundle:${name} and commit it'); ` +
          'process.exit(1); }"',
      },
    ],
  });
}
