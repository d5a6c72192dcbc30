/**
 * PEP 740 attestations made the way a publish job makes them, for the tests: a JWT with audience `sigstore` from
 * the emulated GitHub issuer, a certificate from the emulator's Fulcio and a `dsse` entry in its Rekor, through
 * sigstore-js (`@sigstore/sign`: FulcioSigner, RekorWitness, DSSEBundleBuilder), then the bundle turned into the
 * PEP 740 object as pypi-attestations' `Attestation.from_bundle` does. The statement can be bent (`mutate`) to
 * make the attestations PyPI must refuse.
 */
import { createHash } from 'node:crypto';
import { bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, FulcioSigner, RekorWitness } from '@sigstore/sign';
import { registerSecret } from './leaks';
import type { Emulator } from '../../src/emulator';
import type { Attestation } from '../../src/emulator/sigstore/attestation';

export const PUBLISH_V1 = 'https://docs.pypi.org/attestations/publish/v1';

export interface Statement {
  _type: string;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: unknown;
}

/** The in-toto statement PEP 740 publish attestations carry: one subject, the file's name and sha256. */
export function publishStatement(filename: string, content: Buffer): Statement {
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: filename, digest: { sha256: createHash('sha256').update(content).digest('hex') } }],
    predicateType: PUBLISH_V1,
    predicate: null,
  };
}

/** A job's OIDC token for Sigstore (audience `sigstore`), registered with the leak scanner. */
export async function sigstoreJwt(em: Emulator): Promise<string> {
  const res = await fetch(`${em.oidc.requestUrl}&audience=sigstore`, { headers: { authorization: `bearer ${em.oidc.requestToken}` } });
  if (res.status !== 200) throw new Error(`OIDC token endpoint answered ${res.status}`);
  const { value } = (await res.json()) as { value: string };
  registerSecret(value);
  return value;
}

/** Sign `statement` against the emulator's Fulcio and Rekor; the Sigstore bundle in its JSON form. */
export async function signStatement(em: Emulator, statement: Statement): Promise<ReturnType<typeof bundleToJSON>> {
  const signer = new FulcioSigner({ fulcioBaseURL: em.sigstore.fulcioUrl, identityProvider: { getToken: () => sigstoreJwt(em) }, retry: 0 });
  const witness = new RekorWitness({ rekorBaseURL: em.sigstore.rekorUrl, entryType: 'dsse', retry: 0 });
  const builder = new DSSEBundleBuilder({ signer, witnesses: [witness] });
  const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: 'application/vnd.in-toto+json' });
  return bundleToJSON(bundle);
}

/** pypi-attestations `Attestation.from_bundle`: DER leaf, the log entry as protobuf JSON, payload and signature. */
export function attestationFromBundle(bundle: ReturnType<typeof bundleToJSON>): Attestation {
  const vm = bundle.verificationMaterial as { certificate?: { rawBytes: string }; tlogEntries: Array<Record<string, unknown>> };
  const envelope = bundle.dsseEnvelope!;
  if (!vm.certificate || envelope.signatures.length !== 1) throw new Error('expected a single-certificate bundle with one signature');
  return {
    version: 1,
    verification_material: { certificate: vm.certificate.rawBytes, transparency_entries: vm.tlogEntries },
    envelope: { statement: envelope.payload, signature: envelope.signatures[0].sig },
  };
}

/** The PEP 740 attestation a publish job writes next to `filename` (`<file>.publish.attestation`). */
export async function attest(em: Emulator, filename: string, content: Buffer,
  mutate: (s: Statement) => Statement = (s) => s): Promise<Attestation> {
  return attestationFromBundle(await signStatement(em, mutate(publishStatement(filename, content))));
}

/**
 * Sigstore's production trusted root, offline: the copy `@sigstore/tuf` embeds (its `seeds.json`, the
 * `trusted_root.json` target of https://tuf-repo-cdn.sigstore.dev).
 */
export function productionTrustedRoot(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const seeds = require(require.resolve('@sigstore/tuf/seeds.json')) as Record<string, { targets: Record<string, string> }>;
  return JSON.parse(Buffer.from(seeds['https://tuf-repo-cdn.sigstore.dev'].targets['trusted_root.json'], 'base64').toString('utf8'));
}
