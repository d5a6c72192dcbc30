/**
 * Distribution file names as packaging.utils parses them (PEP 427 wheels, PEP 625 sdists), stricter where PyPI is
 * (ASCII project names, normalised sdist names): a hostile name is refused before it is listed, signed or uploaded.
 */
import { distributionNameProblem } from '../../src/attest/distributions';

test.each([
  'demo_package-1.0.0-py3-none-any.whl',
  'demo.package-1.0.0-1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  'Demo_Package-2.0rc1.post3.dev4+local.7-py2.py3-none-any.whl',
  'demo_package-1.0.0.tar.gz',
  'demo_package-1!2.0.post1.zip',
  'pkg-0.1a1.tar.gz',
])('%s is a valid distribution name', (name) => expect(distributionNameProblem(name)).toBeUndefined());

test.each([
  ['demo-1.0-py3-any.whl', /5 or 6 dash-separated parts/],
  ['demo-package-1.0.0-py3-none-any.whl', /PEP 440/], // packaging reads `package` as the version
  ['demo__pkg-1.0-py3-none-any.whl', /project name/],
  ['démo-1.0-py3-none-any.whl', /project name/],
  ['demo-1.0.0.evil-py3-none-any.whl', /PEP 440/],
  ['demo-1.0-x1-py3-none-any.whl', /build tag/],
  ['demo-1.0-py3-none-any`x.whl', /compatibility tag/],
  ['Demo-Package-1.0.tar.gz', /normalised/],
  ['demo.package-1.0.tar.gz', /normalised/],
  ['x##[error]y-1.0.tar.gz', /normalised/],
  ['demo-.tar.gz', /PEP 440|normalised/],
  ['demo-1.0..tar.gz', /PEP 440/],
])('%s is refused: %s', (name, why) => expect(distributionNameProblem(name)).toMatch(why));
