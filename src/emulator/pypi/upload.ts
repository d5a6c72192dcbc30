/**
 * `POST /legacy/`: the upload API twine, poetry and uv speak (warehouse `forklift/legacy.py`), with its checks in
 * its order and its errors in the HTTP reason phrase, where twine reads them.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import { blake2b } from '@noble/hashes/blake2b';
import { epochSeconds, type Clock } from '../clock';
import { sendText } from '../http';
import { fileNamePrefix, normalizeProjectName } from '../names';
import { checkDistFile } from './dist-file';
import { type IndexStore, type StoredFile } from './index-store';
import { checkUploadAttestations, INVALID_ATTESTATIONS } from './integrity';
import { MalformedUploadError, parseUploadForm, tokenFromAuthorization, type UploadForm } from './upload-form';
import type { AttestationVerifier, Provenance } from '../sigstore/attestation';

export interface UploadContext {
  readonly clock: Clock;
  readonly store: IndexStore;
  readonly maxUploadBytes: number;
  /** Checks PEP 740 attestations against the trusted root of the emulator's Sigstore. */
  readonly attestations: AttestationVerifier;
}

const INVALID_AUTH = 'Invalid or non-existent authentication information. See https://pypi.org/help/#invalid-auth for more information.';
const METADATA_HELP = 'See https://packaging.python.org/specifications/core-metadata for more information.';
const SUPPORTED_METADATA_VERSIONS = ['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'];
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;
const HEX64 = /^[a-f0-9]{64}$/i;
/** warehouse forklift/legacy.py MAXIMUM_AGE_FOR_NEW_UPLOADS_DAYS: a release takes no new file after this. */
export const CLOSED_RELEASE_DAYS = 14;

/** An upload refusal: status and the text PyPI puts in the reason phrase (and the body). */
class Refusal {
  constructor(readonly status: number, readonly message: string) {}
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  // The body repeats the reason, as warehouse's HTTPException pages do.
  sendText(res, refusal.status, refusal.message, `${refusal.status} ${refusal.message}\n`);
}

export async function handleUpload(ctx: UploadContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (url.pathname === '/legacy') {
    req.resume();
    res.writeHead(308, { 'location': '/legacy/', 'content-length': '0' });
    res.end();
    return;
  }
  if (req.method !== 'POST') {
    req.resume();
    sendText(res, 405, 'Method Not Allowed', '405 Method Not Allowed');
    return;
  }
  let form: UploadForm;
  try {
    form = await parseUploadForm(req, ctx.maxUploadBytes);
  } catch (err) {
    if (err instanceof MalformedUploadError) return refuse(res, new Refusal(400, `Invalid request: ${err.message}.`));
    throw err;
  }
  const outcome = accept(ctx, req, form);
  if (outcome instanceof Refusal) return refuse(res, outcome);
  sendText(res, 200, 'OK', '');
}

const field = (form: UploadForm, name: string): string => (form.fields.get(name)?.[0] ?? '').trim();

function accept(ctx: UploadContext, req: IncomingMessage, form: UploadForm): Refusal | StoredFile {
  const action = field(form, ':action');
  if (action === 'submit' || action === 'submit_pkg_info') {
    return new Refusal(410, 'Project pre-registration is no longer required or supported, upload your files instead.');
  }
  if (action === 'doc_upload') return new Refusal(410, 'Uploading documentation is no longer supported, we recommend using https://readthedocs.org/.');
  if (action !== 'file_upload') return new Refusal(400, "Invalid value for :action. Error: expected 'file_upload'.");

  const tokenValue = tokenFromAuthorization(req.headers.authorization);
  const token = tokenValue === undefined ? undefined : ctx.store.tokens.get(tokenValue);
  if (!token) return new Refusal(403, INVALID_AUTH);
  if (epochSeconds(ctx.clock) >= token.expiresAt) return new Refusal(403, 'Invalid API Token: token is expired');

  if ((field(form, 'protocol_version') || '1') !== '1') return new Refusal(400, 'Unknown protocol version.');
  const checked = checkFormFields(form);
  if (checked instanceof Refusal) return checked;
  const { name, version, filetype } = checked;
  if (!form.file) return new Refusal(400, 'Upload payload does not have a file.');

  const key = normalizeProjectName(name);
  const project = ctx.store.projects.get(key);
  if (!project) {
    return new Refusal(400, 'Non-user identities cannot create new projects. This was probably caused by successfully using a pending ' +
      "publisher but specifying the project name incorrectly (either in the publisher or in your project's metadata). Please ensure " +
      'that both match. See: https://docs.pypi.org/trusted-publishers/troubleshooting/');
  }
  if (!token.projects.has(key)) {
    return new Refusal(403, `The given token isn't allowed to upload to project '${project.name}'. See https://pypi.org/help/#project-name for more information.`);
  }

  const { filename, data, mimeType } = form.file;
  const fileProblem = checkFilename(filename, name, filetype);
  if (fileProblem) return fileProblem;
  if (!mimeType || mimeType.startsWith('image/')) return new Refusal(400, 'Invalid distribution file.');
  if (form.tooLarge) {
    return new Refusal(400, `File too large. Limit for project '${project.name}' is ${Math.floor(ctx.maxUploadBytes / (1024 * 1024))} MB. ` +
      'See https://pypi.org/help/#file-size-limit for more information.');
  }

  const digests = {
    md5: createHash('md5').update(data).digest('hex'),
    sha256: createHash('sha256').update(data).digest('hex'),
    blake2_256: Buffer.from(blake2b(data, { dkLen: 32 })).toString('hex'),
  };
  for (const [algorithm, computed] of Object.entries(digests)) {
    const given = field(form, `${algorithm}_digest`);
    if (given && given.toLowerCase() !== computed) {
      return new Refusal(400, 'The digest supplied does not match a digest calculated from the uploaded file.');
    }
  }

  const existing = project.files.get(filename);
  if (existing) {
    if (existing.sha256 === digests.sha256 && existing.blake2_256 === digests.blake2_256) return existing;
    // warehouse names the hash of the file just sent, not of the one it keeps (forklift/legacy.py, file_hashes)
    return new Refusal(400, `File already exists ('${filename}', with blake2_256 hash '${digests.blake2_256}'). ` +
      'See https://pypi.org/help/#file-name-reuse for more information.');
  }
  // Closed releases: after the identical re-upload (still 200, what --skip-existing relies on), before anything else.
  const now = epochSeconds(ctx.clock);
  const releaseKey = version.toLowerCase();
  const created = project.releases.get(releaseKey);
  if (created !== undefined && created < now - CLOSED_RELEASE_DAYS * 86400) {
    return new Refusal(400, `Uploading new files to releases older than ${CLOSED_RELEASE_DAYS} days is not allowed.`);
  }
  if (filetype === 'sdist' && [...project.files.values()].some((f) => f.version === version && f.filetype === 'sdist')) {
    return new Refusal(400, 'Only one sdist may be uploaded per release.');
  }
  const dist = checkDistFile(filename, filetype, data, project.name, version);
  if ('problem' in dist) return new Refusal(400, dist.problem);

  // PEP 740: checked once the file is known good, before it is stored (warehouse forklift/legacy.py).
  let provenance: Provenance | undefined;
  if (form.fields.has('attestations')) {
    const verdict = checkUploadAttestations(ctx.attestations, token, form.fields.get('attestations')![0], { name: filename, sha256: digests.sha256 });
    if ('reason' in verdict) return new Refusal(400, `${INVALID_ATTESTATIONS}${verdict.reason}`);
    provenance = verdict;
  }
  const stored: StoredFile = {
    project: project.name,
    version,
    filename,
    filetype,
    ...digests,
    requiresPython: field(form, 'requires_python') || undefined,
    uploadTime: now,
    metadata: dist.metadata,
    content: data,
    provenance,
  };
  project.files.set(filename, stored);
  if (created === undefined) project.releases.set(releaseKey, now);
  ctx.store.uploadLog.push(stored);
  return stored;
}

/** The form checks of warehouse's UploadForm and metadata parser that a twine upload can trip. */
function checkFormFields(form: UploadForm): Refusal | { name: string; version: string; filetype: string } {
  const metadataVersion = field(form, 'metadata_version');
  if (!metadataVersion) return new Refusal(400, `'' is an invalid value for Metadata-Version. Error: This field is required. ${METADATA_HELP}`);
  if (!SUPPORTED_METADATA_VERSIONS.includes(metadataVersion)) {
    return new Refusal(400, `'${metadataVersion}' is an invalid value for Metadata-Version. Error: Unknown Metadata Version ${METADATA_HELP}`);
  }
  const name = field(form, 'name');
  if (!name) return new Refusal(400, `'' is an invalid value for Name. Error: This field is required. ${METADATA_HELP}`);
  if (!PROJECT_NAME.test(name)) {
    return new Refusal(400, `'${name}' is an invalid value for Name. Error: Start and end with a letter or numeral containing only ASCII ` +
      `numeric and '.', '_' and '-'. ${METADATA_HELP}`);
  }
  const version = field(form, 'version');
  if (!version) return new Refusal(400, `'' is an invalid value for Version. Error: This field is required. ${METADATA_HELP}`);
  if (!/^[A-Za-z0-9.!+_-]+$/.test(version)) {
    return new Refusal(400, `'${version}' is an invalid value for Version. Error: Must start and end with a letter or numeral and contain only ascii numeric and '.', '_' and '-'. ${METADATA_HELP}`);
  }
  const filetype = field(form, 'filetype');
  if (filetype !== 'sdist' && filetype !== 'bdist_wheel') return new Refusal(400, 'Invalid value for filetype. Error: Use a known file type.');
  const pyversion = field(form, 'pyversion');
  if (filetype === 'bdist_wheel' && !pyversion) {
    return new Refusal(400, 'Invalid value for pyversion. Error: Python version is required for binary distribution uploads.');
  }
  if (filetype === 'sdist' && pyversion && pyversion !== 'source') {
    return new Refusal(400, "Invalid value for pyversion. Error: Use 'source' as Python version for an sdist.");
  }
  const digestFields = ['md5_digest', 'sha256_digest', 'blake2_256_digest'];
  // a form-wide error in warehouse's UploadForm, which legacy.py reports without a field name
  if (!digestFields.some((d) => field(form, d))) return new Refusal(400, 'Error: Include at least one message digest.');
  // warehouse/forklift/forms.py: md5_digest is not format-checked (only compared), sha256 and blake2_256 are
  for (const [digest, algorithm] of [['sha256_digest', 'SHA256'], ['blake2_256_digest', 'BLAKE2']]) {
    const value = field(form, digest);
    if (value && !HEX64.test(value)) return new Refusal(400, `Invalid value for ${digest}. Error: Use a valid, hex-encoded, ${algorithm} message digest.`);
  }
  return { name, version, filetype };
}

/** warehouse `_validate_filename` and the extension rules (PEP 527 / 715). */
function checkFilename(filename: string, name: string, filetype: string): Refusal | undefined {
  if (!filename || filename.includes('/') || filename.includes('\\')) return new Refusal(400, 'Cannot upload a file with \'/\' or \'\\\' in the name.');
  const okExtension = filetype === 'sdist' ? /\.(tar\.gz|zip)$/.test(filename) : filename.endsWith('.whl');
  if (!okExtension) {
    return new Refusal(400, 'Invalid file extension: Use .tar.gz, .whl or .zip extension. See https://www.python.org/dev/peps/pep-0527 ' +
      'and https://peps.python.org/pep-0715 for more information');
  }
  // The filename must start with the project's name (normalized: wheels and modern sdists spell `-` as `_`).
  const project = normalizeProjectName(name);
  const matches = filetype === 'bdist_wheel' ? normalizeProjectName(filename.split('-')[0]) === project
    : normalizeProjectName(filename).startsWith(`${project}-`);
  if (!matches) return new Refusal(400, `Start filename for '${name}' with '${fileNamePrefix(name)}'.`);
  return undefined;
}
