/**
 * Where results go besides the log: the step outputs (GITHUB_OUTPUT, the runner's `name<<delimiter` form) and the
 * run page's summary (GITHUB_STEP_SUMMARY). Neither holds anything secret; both are optional (a step run outside a
 * runner just logs).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

export function writeOutputs(env: Env, outputs: Record<string, string>): void {
  if (!env.GITHUB_OUTPUT) return;
  const text = Object.entries(outputs).map(([name, value]) => {
    const delimiter = `ghadelimiter_${randomUUID()}`;
    return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
  }).join('');
  appendFileSync(env.GITHUB_OUTPUT, text, 'utf8');
}

export function appendSummary(env: Env, markdown: string): void {
  if (!env.GITHUB_STEP_SUMMARY) return;
  try {
    appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`, 'utf8');
  } catch {
    // a courtesy: the log already has everything
  }
}

export interface AttestedFile {
  readonly name: string;
  readonly sha256: string;
  readonly logIndex: string;
}

export function successSummary(identity: string, files: AttestedFile[], rekorSearch?: (logIndex: string) => string): string {
  const rows = files.map((f) => `| \`${f.name}\` | \`${f.sha256}\` | ${rekorSearch ? `[${f.logIndex}](${rekorSearch(f.logIndex)})` : f.logIndex} |`);
  return ['### PEP 740 publish attestations', '',
    `Signed by \`${identity}\` with a Sigstore certificate; each signature is recorded in the Rekor transparency log.`, '',
    '| distribution | sha256 | Rekor log index |', '|---|---|---|', ...rows].join('\n');
}

export function failureSummary(title: string, message: string, continued: boolean): string {
  return [`### PEP 740 publish attestations: ${continued ? 'skipped' : 'failed'}`, '', `**${title}**`, '', message, '',
    continued
      ? 'The upload goes ahead without attestations (continue-without-attestations is on).'
      : 'No attestation was written, so the publish job stops before the upload.'].join('\n');
}
