/**
 * The Python side of PEP 740, at the pinned versions (pypi-attestations is a test tool: scripts/tools/catalog.ts): trailofbits' `pypi-attestations` CLI (what PyPI
 * runs, on sigstore-python), and the uploaders that send attestations (twine `--attestations`, `uv publish`).
 * Each is looked up in `$PYPI_ATTESTATIONS` / `$TWINE` / `$UV`, then the repository's tool directory `.tools/bin/`,
 * then the venv `.ci/run` makes at `.cache/venvs/pep740` (`python3 -m venv .cache/venvs/pep740 &&
 * .cache/venvs/pep740/bin/pip install pypi-attestations==<pin> twine==<pin> uv==<pin>`).
 *
 * pypi-attestations verifies against a chosen trusted root through sigstore-python's own offline mode: `--offline`
 * reads the trusted root of the production TUF repository from its cache directory
 * (`$XDG_CACHE_HOME/sigstore-python/tuf/https%3A%2F%2Ftuf-repo-cdn.sigstore.dev/trusted_root.json`), so each run
 * gets a fresh cache holding the root to trust (the emulator's, or Sigstore's production one for real artifacts).
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordOutput } from './leaks';
import { requireTool, runTool, type ToolRun } from './tools';
import { DEV_TOOL_VERSIONS } from '../../scripts/tools/catalog';

const ROOT = join(__dirname, '..', '..');
const VENV_BIN = join(ROOT, '.cache', 'venvs', 'pep740', 'bin');

function toolPath(name: string, envVar: string): string {
  return process.env[envVar] ?? [join(ROOT, '.tools', 'bin', name), join(VENV_BIN, name)].find((p) => existsSync(p)) ?? join(VENV_BIN, name);
}

export const PYPI_ATTESTATIONS = toolPath('pypi-attestations', 'PYPI_ATTESTATIONS');
export const TWINE_WITH_ATTESTATIONS = toolPath('twine', 'TWINE');
export const UV = toolPath('uv', 'UV');

/** true when the pinned pypi-attestations is installed; under CI=true a missing one throws. */
export function havePypiAttestations(): boolean {
  return requireTool('pypi-attestations');
}

/** `pypi-attestations <args> --offline`-style run with `trustedRoot` as the only root sigstore-python trusts. */
export async function runPypiAttestations(args: string[], trustedRoot: unknown, cwd: string): Promise<ToolRun> {
  const home = mkdtempSync(join(tmpdir(), 'pypi-attestations-'));
  const cache = join(home, 'cache', 'sigstore-python', 'tuf', encodeURIComponent('https://tuf-repo-cdn.sigstore.dev'));
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'trusted_root.json'), JSON.stringify(trustedRoot));
  const env = { PATH: process.env.PATH ?? '', HOME: home, XDG_CACHE_HOME: join(home, 'cache'), XDG_DATA_HOME: join(home, 'data') };
  const run = await runTool(PYPI_ATTESTATIONS, args, { cwd, env, timeoutMs: 120_000 });
  recordOutput(`pypi-attestations ${args[0]} ${args[1] ?? ''} stdout`, run.stdout, true);
  recordOutput(`pypi-attestations ${args[0]} ${args[1] ?? ''} stderr`, run.stderr, false);
  return run;
}

/** The pinned version, which the installed CLI must report. */
export const PYPI_ATTESTATIONS_VERSION = DEV_TOOL_VERSIONS['pypi-attestations'];
