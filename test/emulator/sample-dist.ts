/**
 * A tiny real Python project, built into an sdist and a wheel by the pinned `uv build` (setuptools backend), for
 * upload tests with real uploaders.
 */
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uvBuild } from '../support/python-dists';

export interface SampleDist {
  readonly dir: string;
  readonly sdist: string;
  readonly wheel: string;
}

/** Build `name==version`; `marker` changes the module's content (same filenames, different bytes). */
export function buildSampleDist(name: string, version: string, marker = 'one'): SampleDist {
  const dir = mkdtempSync(join(tmpdir(), 'emu-dist-'));
  const module = name.replace(/[-.]/g, '_');
  mkdirSync(join(dir, 'src', module), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), [
    '[build-system]',
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    '',
    '[project]',
    `name = "${name}"`,
    `version = "${version}"`,
    'description = "A sample distribution uploaded to the pypi-mint emulator"',
    'readme = "README.md"',
    'requires-python = ">=3.8"',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'README.md'), `# ${name}\n\nSample.\n`);
  writeFileSync(join(dir, 'src', module, '__init__.py'), `MARKER = "${marker}"\n`);
  uvBuild(dir, join(dir, 'dist'));
  const files = readdirSync(join(dir, 'dist'));
  const sdist = files.find((f) => f.endsWith('.tar.gz'));
  const wheel = files.find((f) => f.endsWith('.whl'));
  if (!sdist || !wheel) throw new Error(`expected an sdist and a wheel, got ${files.join(', ')}`);
  return { dir, sdist: join(dir, 'dist', sdist), wheel: join(dir, 'dist', wheel) };
}
