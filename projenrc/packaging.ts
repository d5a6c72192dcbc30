/**
 * What the npm package holds and how it is packed; what git ignores.
 */
import { cdk } from 'projen';

export function setupPackaging(project: cdk.JsiiProject): void {
  // `package` packs JavaScript only: the Python bindings are already built during `test`, where the `.projenrc.py`
  // tests run `package:python` (jsii-pacmak, about 85 s on two cores) into dist/python once per run; packaging them
  // again would double that. The release workflow runs `package:python` itself.
  const packageTask = project.tasks.tryFind('package')!;
  packageTask.reset();
  packageTask.spawn(project.tasks.tryFind('package:js')!);

  project.npmignore?.addPatterns('/github-setup/tsconfig.json', '/scripts/', '/bench/', '/.ci/', '/test-reports/', '/coverage/', '/.cache/', '/examples/');
  project.gitignore.addPatterns('/test-reports/', '/coverage/', '/.cache/');

  // unrs-resolver 1.13.0 (via eslint-import-resolver-typescript) has platform bindings the reachable registry does not
  // serve, which leaves them out of the lock file and makes `npm ci` refuse it; 1.12.2 has every binding.
  project.package.addPackageResolutions('unrs-resolver@1.12.2');
}
