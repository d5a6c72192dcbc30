/**
 * Every attestation is verified before anything is written, as PyPI will verify it (pypi-attestations over
 * sigstore-python): against Sigstore's trusted root, the certificate chains to a Fulcio CA and carries a valid SCT,
 * Rekor's signed entry timestamp and the inclusion proof (checkpoint signature, Merkle path, and the proof's root
 * hash, which @sigstore/verify leaves unchecked) verify, the integrated time lies within the certificate's validity,
 * the signature covers the statement, and the certificate names the job's own identity. Any failure is a Sigstore
 * failure: `continue-without-attestations` applies.
 *
 * The trusted root: for Sigstore's public instance, the `trusted_root.json` that @sigstore/tuf embeds (the same TUF
 * repository's target that sigstore-python ships); for loopback test stand-ins, the one `<fulcio-url>/trusted_root.json`
 * serves.
 */
// bundled into attest/index.cjs by esbuild: devDependencies on purpose
/* eslint-disable import/no-extraneous-dependencies */
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import seeds from '@sigstore/tuf/seeds.json';
import { toSignedEntity, toTrustMaterial, Verifier, type TrustMaterial } from '@sigstore/verify';
/* eslint-enable import/no-extraneous-dependencies */
import { failures } from './messages';
import { toBundleJson, type PublishAttestation } from './pep740';
import { parseJsonBody, type HttpSend } from '../kit/http';

const PRODUCTION_TUF = 'https://tuf-repo-cdn.sigstore.dev';
export const PRODUCTION_ROOT_NAME = 'Sigstore\'s public trusted root';

export interface Trust {
  readonly name: string;
  readonly material: TrustMaterial;
}

/** The trusted root @sigstore/tuf embeds for Sigstore's public instance. */
export function productionTrust(): Trust {
  const target = (seeds as Record<string, { targets?: Record<string, string> }>)[PRODUCTION_TUF]?.targets?.['trusted_root.json'];
  if (!target) throw failures.trustedRootUnavailable('@sigstore/tuf embeds no trusted_root.json');
  return { name: PRODUCTION_ROOT_NAME, material: materialOf(JSON.parse(Buffer.from(target, 'base64').toString('utf8'))) };
}

/** A test stand-in's trusted root, from `<fulcio-url>/trusted_root.json` (loopback only: inputs.ts). */
export async function standInTrust(fulcioUrl: string, send: HttpSend): Promise<Trust> {
  const url = new URL(`${fulcioUrl}/trusted_root.json`);
  const res = await send({ method: 'GET', url, target: 'the stand-in\'s trusted root' });
  if (res.status !== 200) throw failures.trustedRootUnavailable(`${url.href} answered HTTP ${res.status}`);
  const json = parseJsonBody(res.body);
  if (typeof json !== 'object' || json === null) throw failures.trustedRootUnavailable(`${url.href} is not JSON`);
  return { name: url.href, material: materialOf(json) };
}

function materialOf(json: unknown): TrustMaterial {
  try {
    return toTrustMaterial(TrustedRoot.fromJSON(json));
  } catch (err) {
    throw failures.trustedRootUnavailable(err instanceof Error ? err.message : 'unreadable');
  }
}

/** Verifies one attestation for `identity` (the certificate's SAN, already compared with the token's claims). */
export function verifyAttestation(trust: Trust, name: string, a: PublishAttestation, identity: string, issuer: string): void {
  const fail = (why: string) => failures.verificationFailed(name, why);
  const proof = a.verification_material.transparency_entries[0]?.inclusionProof;
  if (!proof || rootHashOf(proof.checkpoint.envelope) !== proof.rootHash) throw fail(failures.rootHashMismatch);
  try {
    const entity = toSignedEntity(bundleFromJSON(toBundleJson(a)));
    new Verifier(trust.material, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 })
      .verify(entity, { subjectAlternativeName: identity, extensions: { issuer } });
  } catch (err) {
    throw fail(err instanceof Error ? `${(err as { code?: unknown }).code ?? err.name}: ${err.message}` : String(err));
  }
}

/** The root hash a checkpoint (a signed note: origin, tree size, base64 root hash, ...) commits to, base64. */
function rootHashOf(checkpoint: string): string | undefined {
  const lines = checkpoint.split('\n');
  return lines.length >= 3 ? lines[2] : undefined;
}
