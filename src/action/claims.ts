/**
 * The OIDC token's claims, decoded locally (no signature check: the index verifies it; we only read it to check
 * `aud` before sending and to explain failures). Only the claims that decide trusted publishing are ever shown,
 * never the JWT itself.
 */
// bundled into action/index.cjs by esbuild: a devDependency on purpose, never a runtime dependency of the package
// eslint-disable-next-line import/no-extraneous-dependencies
import { decodeJwt } from 'jose/jwt/decode';

export type Claims = Readonly<Record<string, unknown>>;

/** The claims PyPI's GitHub publisher looks at, plus the ones that explain a mismatch. */
export const CLAIMS_THAT_MATTER = [
  'repository',
  'repository_owner',
  'repository_owner_id',
  'job_workflow_ref',
  'workflow_ref',
  'ref',
  'environment',
  'event_name',
] as const;

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The payload of a compact JWS, or undefined when it is not one. */
export function decodeClaims(jwt: string): Claims | undefined {
  try {
    return decodeJwt(jwt);
  } catch {
    return undefined;
  }
}

/** A claim as a display string: strings as-is, other JSON values serialised, absent ones undefined. */
export function claimText(claims: Claims | undefined, name: string): string | undefined {
  const v = claims?.[name];
  if (v === undefined || v === null) return undefined;
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  // a claim is server-chosen text: keep it on one line and short
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

/** The workflow file PyPI matches on: the `<file>.yml` of `job_workflow_ref` (`owner/repo/.github/workflows/<file>@ref`). */
export function workflowFilename(jobWorkflowRef: string | undefined): string | undefined {
  const m = jobWorkflowRef ? /([^/]+\.(?:yml|yaml))(?=@)/.exec(jobWorkflowRef) : null;
  return m ? m[1] : undefined;
}

/** Plain-text lines `name: value` (MISSING when absent), for annotations and logs. */
export function renderClaimLines(claims: Claims | undefined): string[] {
  return CLAIMS_THAT_MATTER.map((name) => `${name}: ${claimText(claims, name) ?? 'MISSING'}`);
}

const mdCell = (s: string) => s.replace(/\|/g, '\\|').replace(/`/g, "'");

/** A Markdown table of the same claims, for the step summary. */
export function renderClaimTable(claims: Claims | undefined): string {
  const rows = CLAIMS_THAT_MATTER.map((name) => {
    const v = claimText(claims, name);
    return `| \`${name}\` | ${v === undefined ? '_MISSING_' : `\`${mdCell(v)}\``} |`;
  });
  return ['| claim | value in this run |', '|---|---|', ...rows].join('\n');
}
