/**
 * The pinned Python tools: `pins:lock` writes their hash-locked sets, `tools:install` fills .tools/ before tests.
 */
import { cdk } from 'projen';

export function setupPythonTools(project: cdk.JsiiProject): void {
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
}
