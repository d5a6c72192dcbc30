/**
 * PEP 740 at the index: the attestations an upload carries, checked as warehouse `attestations/services.py`
 * (`IntegrityService.parse_attestations`) checks them, in its order and words, and the provenance it then serves
 * through the Integrity API (`warehouse/api/integrity.py`):
 * `GET /integrity/<project>/<version>/<filename>/provenance`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, sendText } from '../http';
import { normalizeProjectName } from '../names';
import { type IndexStore, type MintedToken } from './index-store';
import {
  ATTESTATION_TYPES, AttestationError, parseAttestations, VerificationFailed,
  type AttestationVerifier, type Provenance, type ProvenancePublisher,
} from '../sigstore/attestation';

/** What the upload route puts before each reason (warehouse `forklift/legacy.py`). */
export const INVALID_ATTESTATIONS = 'Invalid attestations supplied during upload: ';

/**
 * The provenance for a file uploaded with `attestationsField`, or the reason PyPI refuses it (without the
 * `Invalid attestations supplied during upload: ` prefix).
 */
export function checkUploadAttestations(verifier: AttestationVerifier, token: MintedToken, attestationsField: string,
  distribution: { name: string; sha256: string }): Provenance | { reason: string } {
  if (!token.publisher) return { reason: 'Attestations are only supported when using Trusted Publishing' };
  // Every publisher the emulator knows (GitHub, GitLab) has an attestation identity (ActiveState's has none).
  const publisher = token.publisher;

  let attestations;
  try {
    attestations = parseAttestations(attestationsField);
  } catch (err) {
    if (err instanceof AttestationError) return { reason: err.message };
    throw err;
  }
  if (attestations.length === 0) return { reason: 'Malformed attestations: an empty attestation set is not permitted' };
  if (attestations.length > ATTESTATION_TYPES.length) {
    return { reason: `A maximum of ${ATTESTATION_TYPES.length} attestations per file are supported` };
  }

  const seen = new Set<string>();
  for (const attestation of attestations) {
    let predicateType: string;
    try {
      predicateType = verifier.verify(attestation, publisher, distribution);
    } catch (err) {
      if (err instanceof VerificationFailed) {
        return { reason: `Could not verify the uploaded artifact using the included attestation: ${err.message}` };
      }
      return { reason: `Unknown error while trying to verify included attestations: ${(err as Error).message}` };
    }
    if (!ATTESTATION_TYPES.includes(predicateType)) return { reason: `Attestation with unsupported predicate type: ${predicateType}` };
    if (seen.has(predicateType)) {
      return { reason: `Multiple attestations for the same file with the same predicate type (${predicateType}) are not supported` };
    }
    seen.add(predicateType);
  }
  const bundlePublisher: ProvenancePublisher = publisher.kind === 'GitLab'
    ? { kind: 'GitLab', ...publisher.identity } : { kind: 'GitHub', ...publisher.identity };
  return { version: 1, attestation_bundles: [{ publisher: bundlePublisher, attestations }] };
}

/** The Integrity API's path for a file, as the simple index links it (`data-provenance`, PEP 691 `provenance`). */
export function provenancePath(project: string, version: string, filename: string): string {
  return `/integrity/${encodeURIComponent(normalizeProjectName(project))}/${encodeURIComponent(version)}/${encodeURIComponent(filename)}/provenance`;
}

const INTEGRITY_JSON = 'application/vnd.pypi.integrity.v1+json';

/** warehouse `_select_content_type`: the integrity type first, then plain JSON; no match is 406. */
function contentType(accept: string | undefined): string | undefined {
  if (!accept || accept.trim() === '') return INTEGRITY_JSON;
  const offers = accept.split(',').map((part) => {
    const [type, ...params] = part.trim().split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q === undefined ? 1 : Number(q.slice(2)) };
  }).filter((o) => o.q > 0);
  const score = (offer: string) => Math.max(-1, ...offers.filter((o) =>
    o.type === offer || o.type === '*/*' || o.type === `${offer.split('/')[0]}/*`).map((o) => o.q));
  const best = [INTEGRITY_JSON, 'application/json'].map((offer) => ({ offer, q: score(offer) })).filter((o) => o.q > 0)
    .sort((a, b) => b.q - a.q)[0];
  return best?.offer;
}

/** `GET /integrity/<project>/<version>/<filename>/provenance`. */
export function handleIntegrity(store: IndexStore, req: IncomingMessage, res: ServerResponse, url: URL): void {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'Method Not Allowed', '405 Method Not Allowed');
  const parts = url.pathname.split('/').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  // ['', 'integrity', project, version, filename, 'provenance']
  const file = parts.length === 6 && parts[5] === 'provenance'
    ? store.projects.get(normalizeProjectName(parts[2]))?.files.get(parts[4]) : undefined;
  if (!file || file.version !== parts[3] || !store.isVisible(file)) return sendText(res, 404, 'Not Found', '404 Not Found');
  const type = contentType(req.headers.accept);
  if (!type) return sendJson(res, 406, { message: 'Request not acceptable' });
  if (!file.provenance) return sendJson(res, 404, { message: `No provenance available for ${file.filename}` });
  const body = Buffer.from(JSON.stringify(file.provenance));
  res.writeHead(200, {
    'content-type': type,
    'content-length': String(body.length),
    'vary': 'Accept',
    'access-control-allow-origin': '*',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
