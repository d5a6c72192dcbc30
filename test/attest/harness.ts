/**
 * Shared set-up of the attest step's tests: the emulator as GitHub's OIDC issuer and as Fulcio and Rekor, a
 * packages directory with distributions, an in-process run of the step whose output is captured for the leak
 * scanner, and PyPI's verification of what it wrote (the emulator's pypi-attestations checks).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAttest, type Timing } from '../../src/attest/run';
import type { Emulator } from '../../src/emulator';
import { AttestationVerifier, type Attestation } from '../../src/emulator/sigstore/attestation';
import { parseFileCommand } from '../../src/rehearsal/commands';
import { tempDir } from '../../src/rehearsal/temp-dirs';
import { defaultPublisher } from '../support/emulator';
import { recordOutput } from '../support/leaks';

/** The step's environment in a job with `id-token: write`, pointed at the emulator's Sigstore. */
export function attestEnv(emu: Emulator, inputs: Record<string, string> = {}): Record<string, string> {
  return {
    'ACTIONS_ID_TOKEN_REQUEST_URL': emu.oidc.requestUrl,
    'ACTIONS_ID_TOKEN_REQUEST_TOKEN': emu.oidc.requestToken,
    'INPUT_FULCIO-URL': emu.sigstore.fulcioUrl,
    'INPUT_REKOR-URL': emu.sigstore.rekorUrl,
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  };
}

/** A workspace whose dist/ holds the named files (random content: the step signs bytes, it does not unpack them). */
export function workspaceWith(...names: string[]): { workspace: string; dist: string } {
  const workspace = tempDir('attest-ws-');
  const dist = join(workspace, 'dist');
  mkdirSync(dist);
  for (const n of names) writeFileSync(join(dist, n), randomBytes(2048));
  return { workspace, dist };
}

export const SDIST = 'demo_package-1.0.0.tar.gz';
export const WHEEL = 'demo_package-1.0.0-py3-none-any.whl';

/** Short bounds so failure paths end quickly (the production bounds are exercised through the bundle). */
export const QUICK: Partial<Timing> = { requestTimeoutMs: 1_500, totalTimeoutMs: 20_000, backoffMs: [50, 100, 150] };

export interface InProcessRun {
  readonly code: number;
  readonly lines: string[];
  readonly stdout: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
}

export async function runInProcess(env: Record<string, string>, workspace: string, timing: Partial<Timing> = QUICK): Promise<InProcessRun> {
  const files = tempDir('attest-files-');
  const output = join(files, 'output');
  const summaryFile = join(files, 'summary.md');
  writeFileSync(output, '');
  writeFileSync(summaryFile, '');
  const lines: string[] = [];
  const code = await runAttest({ ...env, GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summaryFile }, { write: (l) => void lines.push(l) },
    timing, workspace);
  const stdout = lines.join('\n');
  const summary = readFileSync(summaryFile, 'utf8');
  recordOutput('attest step (in-process)', stdout, true);
  recordOutput('attest step summary', summary, false);
  for (const f of attestationFiles(join(workspace, 'dist'))) recordOutput(f, readFileSync(join(workspace, 'dist', f), 'utf8'), false);
  return { code, lines, stdout, outputs: parseFileCommand(readFileSync(output, 'utf8'), 'GITHUB_OUTPUT'), summary };
}

export function attestationFiles(dist: string): string[] {
  try {
    return readdirSync(dist).filter((f) => f.endsWith('.publish.attestation')).sort();
  } catch {
    return [];
  }
}

export const readAttestation = (path: string): Attestation => JSON.parse(readFileSync(path, 'utf8'));

export interface Statement {
  _type: string;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

export function statementOf(a: Attestation): Statement {
  return JSON.parse(Buffer.from(a.envelope.statement, 'base64').toString('utf8'));
}

/** PyPI's checks (as the emulator runs them at upload) for the default publisher; returns the predicate type. */
export function verifyLikePypi(emu: Emulator, a: Attestation, name: string, sha256: string): string {
  const p = defaultPublisher();
  return new AttestationVerifier(emu.sigstore.trustedRoot())
    .verify(a, { repository: `${p.owner}/${p.repository}`, workflow: p.workflow, environment: p.environment ?? null }, { name, sha256 });
}
