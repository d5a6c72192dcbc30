/**
 * The code jsii does not compile: its own type-check (each part has its tsconfig) and lint rules.
 */
import { cdk } from 'projen';

export function setupRuntimeChecks(project: cdk.JsiiProject): void {
  // --- type-check the non-jsii code (jsii compiles only the component) ------------------------------------------
  project.addTask('typecheck:runtime', {
    description: 'Type-check the runner kit, both steps, the emulator, the rehearsal runner and the GitHub setup script with their own tsconfigs, then the tests, scripts, bench and projenrc with the dev tsconfig',
    steps: [
      { exec: 'tsc -p src/kit/tsconfig.json' },
      { exec: 'tsc -p src/mint/tsconfig.json' },
      { exec: 'tsc -p src/attest/tsconfig.json' },
      { exec: 'tsc -p src/emulator/tsconfig.json' },
      { exec: 'tsc -p src/rehearsal/tsconfig.json' },
      // the GitHub-side setup script is shipped as plain CommonJS (copied into user repositories); @ts-check'ed here
      { exec: 'tsc -p github-setup/tsconfig.json' },
      // everything else, tests included, as jest, eslint and ts-node read it (they transpile without checking types)
      { exec: 'tsc --noEmit -p tsconfig.dev.json' },
    ],
  });
  project.postCompileTask.spawn(project.tasks.tryFind('typecheck:runtime')!);

  // The rehearsal is bundled with its dependencies (yaml, the emulator's): they stay devDependencies.
  project.eslint?.addOverride({
    files: ['src/rehearsal/**'],
    rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
  });
}
