/**
 * trailofbits' `pypi-attestations` CLI (what PyPI runs at upload, on sigstore-python), installed by
 * `npx projen tools:install` into `.tools/` at the version scripts/tools/catalog.ts pins.
 *
 * It verifies against a chosen trusted root through sigstore-python's own offline mode: `--offline` reads the
 * trusted root of the production TUF repository from its cache directory
 * (`$XDG_CACHE_HOME/sigstore-python/tuf/https%3A%2F%2Ftuf-repo-cdn.sigstore.dev/trusted_root.json`), so each run
 * gets a fresh cache holding the root to trust (the emulator's, or Sigstore's production one for real artifacts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordOutput } from './leaks';
import { tempDir } from './temp-dirs';
import { requireTool, runTool, tool, toolEnv, type ToolRun } from './tools';
import { DEV_TOOL_VERSIONS } from '../../scripts/tools/catalog';

export const PYPI_ATTESTATIONS = tool('pypi-attestations');

/** The pinned version, which the installed CLI must report. */
export const PYPI_ATTESTATIONS_VERSION = DEV_TOOL_VERSIONS['pypi-attestations'];

/** true when pypi-attestations is installed; under CI=true a missing one throws. */
export function havePypiAttestations(): boolean {
  return requireTool('pypi-attestations');
}

/** Run `pypi-attestations <args>` with `trustedRoot` as the only root sigstore-python trusts (with `--offline`). */
export async function runPypiAttestations(args: string[], trustedRoot: unknown, cwd: string): Promise<ToolRun> {
  const cacheHome = tempDir('sigstore-cache-');
  const cache = join(cacheHome, 'sigstore-python', 'tuf', encodeURIComponent('https://tuf-repo-cdn.sigstore.dev'));
  mkdirSync(cache, { recursive: true });
  writeFileSync(join(cache, 'trusted_root.json'), JSON.stringify(trustedRoot));
  const env = toolEnv({ XDG_CACHE_HOME: cacheHome, XDG_DATA_HOME: tempDir('sigstore-data-') });
  const run = await runTool(PYPI_ATTESTATIONS, args, { cwd, env, timeoutMs: 120_000 });
  recordOutput(`pypi-attestations ${args[0]} ${args[1] ?? ''} stdout`, run.stdout, true);
  recordOutput(`pypi-attestations ${args[0]} ${args[1] ?? ''} stderr`, run.stderr, false);
  return run;
}
