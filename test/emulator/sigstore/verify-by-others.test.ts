/**
 * Attestations made against the emulator's Fulcio and Rekor are checked by others, not only by the emulator:
 * trailofbits' `pypi-attestations verify` (what PyPI runs, on sigstore-python) against the emulator's trusted root
 * and the expected identity, and `@sigstore/verify`. Every mutation is refused by the emulator (at upload) AND by
 * pypi-attestations: the file changed by one byte, the attestation renamed to another file, a certificate for
 * another workflow or repository, a statement with two subjects, another predicate type.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import type { Emulator } from '../../../src/emulator';
import { toBundleJson, type Attestation } from '../../../src/emulator/sigstore/attestation';
import { wheelArchive } from '../../support/dist-archives';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { registerSecret } from '../../support/leaks';
import { attest, productionTrustedRoot, type Statement } from '../../support/pep740';
import { havePypiAttestations, PYPI_ATTESTATIONS, PYPI_ATTESTATIONS_VERSION, runPypiAttestations } from '../../support/pypi-attestations';
import { runTool, toolEnv } from '../../support/tools';
import { exchange } from '../client';
import { upload, wheelFields } from '../upload-client';

const have = havePypiAttestations();
const maybe = have ? test : test.skip;

const SIGNER = 'https://github.com/octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0';
const PUBLISHER = { kind: 'GitHub', repository: 'octo-org/demo', workflow: 'release.yml', environment: 'pypi' };

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
});

let counter = 0;
/** A wheel in a fresh `dist/` directory, as the publish job downloads it. */
function distFile(): { dir: string; filename: string; version: string; content: Buffer } {
  counter += 1;
  const version = `2.0.${counter}`;
  const dir = mkdtempSync(join(tmpdir(), 'pep740-dist-'));
  const filename = `demo_package-${version}-py3-none-any.whl`;
  const content = wheelArchive(filename, 'demo-package', version);
  writeFileSync(join(dir, filename), content);
  return { dir, filename, version, content };
}

/** What the emulator says when the file is uploaded with these attestations (status and reason). */
async function uploadTo(file: { filename: string; version: string; content: Buffer }, attestations: Attestation[]) {
  const minted = await exchange(em);
  registerSecret(minted.body.token!);
  const fields = { ...wheelFields('demo-package', file.version, file.content), attestations: JSON.stringify(attestations) };
  return upload(em, minted.body.token!, fields, { filename: file.filename, content: file.content });
}

/** `pypi-attestations verify pypi` of a local file against a provenance file, with the emulator's root. */
async function verifyPypi(dir: string, filename: string, attestations: Attestation[], repository = 'https://github.com/octo-org/demo') {
  writeFileSync(join(dir, 'provenance.json'), JSON.stringify({ version: 1, attestation_bundles: [{ publisher: PUBLISHER, attestations }] }));
  return runPypiAttestations(['verify', 'pypi', '--offline', '--repository', repository, '--provenance-file', join(dir, 'provenance.json'),
    join(dir, filename)], em.sigstore.trustedRoot(), dir);
}

async function signedWith(claims: Record<string, string>, filename: string, content: Buffer, mutate?: (s: Statement) => Statement) {
  em.setRunnerClaims(claims);
  try {
    return await attest(em, filename, content, mutate);
  } finally {
    em.resetRunnerClaims();
  }
}

maybe('the pinned pypi-attestations is the one installed', async () => {
  const run = await runTool(PYPI_ATTESTATIONS, ['--version'], { env: toolEnv() });
  expect(run.stdout.trim()).toBe(`pypi-attestations ${PYPI_ATTESTATIONS_VERSION}`);
});

maybe('an attestation from the emulator verifies with pypi-attestations (identity and publisher) and @sigstore/verify', async () => {
  const file = distFile();
  const attestation = await attest(em, file.filename, file.content);
  writeFileSync(join(file.dir, `${file.filename}.publish.attestation`), JSON.stringify(attestation));

  const byIdentity = await runPypiAttestations(['verify', 'attestation', '--offline', '--identity', SIGNER, join(file.dir, file.filename)],
    em.sigstore.trustedRoot(), file.dir);
  expect({ code: byIdentity.code, out: byIdentity.stderr + byIdentity.stdout }).toEqual({ code: 0, out: expect.stringContaining('OK: ') });

  // The provenance as the emulator's Integrity API serves it after an accepted upload.
  expect((await uploadTo(file, [attestation])).status).toBe(200);
  const provenance = await (await fetch(`${em.pypiUrl}/integrity/demo-package/${file.version}/${file.filename}/provenance`)).text();
  writeFileSync(join(file.dir, 'served.provenance'), provenance);
  const byPublisher = await runPypiAttestations(['verify', 'pypi', '--offline', '--repository', 'https://github.com/octo-org/demo',
    '--provenance-file', join(file.dir, 'served.provenance'), join(file.dir, file.filename)], em.sigstore.trustedRoot(), file.dir);
  expect({ code: byPublisher.code, out: byPublisher.stderr + byPublisher.stdout }).toEqual({ code: 0, out: expect.stringContaining(`OK: ${file.filename}`) });

  // @sigstore/verify, on the bundle the attestation stands for
  const trust = toTrustMaterial(TrustedRoot.fromJSON(em.sigstore.trustedRoot()));
  const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  const signer = verifier.verify(toSignedEntity(bundleFromJSON(toBundleJson(attestation))), {
    subjectAlternativeName: SIGNER, extensions: { issuer: 'https://token.actions.githubusercontent.com' },
  });
  expect(signer.identity?.subjectAlternativeName).toBe(SIGNER);
});

maybe('pypi-attestations does not accept the emulator\'s attestations against Sigstore\'s production root', async () => {
  const file = distFile();
  writeFileSync(join(file.dir, `${file.filename}.publish.attestation`), JSON.stringify(await attest(em, file.filename, file.content)));
  const run = await runPypiAttestations(['verify', 'attestation', '--offline', '--identity', SIGNER, join(file.dir, file.filename)],
    productionTrustedRoot(), file.dir);
  expect(run.code).not.toBe(0);
  expect(run.stderr + run.stdout).toContain(`Verification failed for ${join(file.dir, file.filename)}`);
});

maybe('the real pypi-attestations 0.0.19 artifacts verify with pypi-attestations against the production root, offline', async () => {
  const fixtures = join(__dirname, '..', '..', 'fixtures', 'pep740');
  const run = await runPypiAttestations(['verify', 'pypi', '--offline', '--repository', 'https://github.com/trailofbits/pypi-attestations',
    '--provenance-file', join(fixtures, 'pypi_attestations-0.0.19.tar.gz.provenance'), join(fixtures, 'pypi_attestations-0.0.19.tar.gz')],
  productionTrustedRoot(), fixtures);
  expect({ code: run.code, out: run.stderr + run.stdout }).toEqual({ code: 0, out: expect.stringContaining('OK: pypi_attestations-0.0.19.tar.gz') });
});

interface Mutation {
  /** How the emulator's refusal starts. */
  emulator: string;
  /** What pypi-attestations says. */
  pypiAttestations: string;
  /** The file that is uploaded / verified, and the attestation offered for it. */
  make: () => Promise<{ file: ReturnType<typeof distFile>; attestation: Attestation }>;
}

const COULD_NOT_VERIFY = 'Invalid attestations supplied during upload: Could not verify the uploaded artifact using the included attestation: Verification failed: ';

const MUTATIONS: Record<string, Mutation> = {
  'the file changed by one byte': {
    make: async () => {
      const file = distFile();
      const attestation = await attest(em, file.filename, file.content);
      const changed = Buffer.from(file.content);
      changed[changed.length - 1] = (changed[changed.length - 1] + 1) % 256;
      writeFileSync(join(file.dir, file.filename), changed);
      return { file: { ...file, content: changed }, attestation };
    },
    emulator: `${COULD_NOT_VERIFY}subject does not match distribution digest`,
    pypiAttestations: 'subject does not match distribution digest',
  },
  'the attestation renamed to another file': {
    make: async () => {
      const signed = distFile();
      const file = distFile();
      return { file, attestation: await attest(em, signed.filename, file.content) };
    },
    emulator: `${COULD_NOT_VERIFY}subject does not match distribution name`,
    pypiAttestations: 'subject does not match distribution name',
  },
  'a certificate for another workflow': {
    make: async () => {
      const file = distFile();
      return { file, attestation: await signedWith({ workflow_ref: 'octo-org/demo/.github/workflows/ci.yml@refs/tags/v1.0.0' }, file.filename, file.content) };
    },
    emulator: `${COULD_NOT_VERIFY}Certificate's Build Config URI`,
    pypiAttestations: "Certificate's Build Config URI",
  },
  'a certificate for another repository': {
    make: async () => {
      const file = distFile();
      const claims = { repository: 'octo-org/fork', workflow_ref: 'octo-org/fork/.github/workflows/release.yml@refs/tags/v1.0.0' };
      return { file, attestation: await signedWith(claims, file.filename, file.content) };
    },
    emulator: `${COULD_NOT_VERIFY}Certificate's OIDCSourceRepositoryURI does not match ` +
      '(got https://github.com/octo-org/fork, expected https://github.com/octo-org/demo)',
    pypiAttestations: "Certificate's OIDCSourceRepositoryURI does not match (got https://github.com/octo-org/fork, expected https://github.com/octo-org/demo)",
  },
  'a statement with two subjects': {
    make: async () => {
      const file = distFile();
      const attestation = await attest(em, file.filename, file.content, (s) => ({ ...s, subject: [...s.subject, { ...s.subject[0], name: 'demo_package-2.0.0.tar.gz' }] }));
      return { file, attestation };
    },
    emulator: `${COULD_NOT_VERIFY}too many subjects in statement (must be exactly one)`,
    pypiAttestations: 'too many subjects in statement (must be exactly one)',
  },
  'another predicate type': {
    make: async () => {
      const file = distFile();
      const attestation = await attest(em, file.filename, file.content, (s) => ({ ...s, predicateType: 'https://in-toto.io/attestation/release/v0.1' }));
      return { file, attestation };
    },
    emulator: `${COULD_NOT_VERIFY}unknown attestation type: https://in-toto.io/attestation/release/v0.1`,
    pypiAttestations: 'unknown attestation type: https://in-toto.io/attestation/release/v0.1',
  },
};

describe.each(Object.entries(MUTATIONS))('%s', (_name, mutation) => {
  maybe('is refused by the emulator at upload and by pypi-attestations, in the same words', async () => {
    const { file, attestation } = await mutation.make();
    const answer = await uploadTo(file, [attestation]);
    expect(answer.status).toBe(400);
    expect(answer.reason.startsWith(mutation.emulator)).toBe(true);

    expect(readFileSync(join(file.dir, file.filename))).toEqual(file.content);
    const run = await verifyPypi(file.dir, file.filename, [attestation]);
    expect(run.code).not.toBe(0);
    expect(run.stderr + run.stdout).toContain(mutation.pypiAttestations);
    // PyPI wraps pypi-attestations' VerificationError; the CLI prints the same error after the file name.
    const words = answer.reason.slice(COULD_NOT_VERIFY.length - 'Verification failed: '.length);
    expect(run.stderr + run.stdout).toContain(`Verification failed for ${file.filename}: ${words}`);
  });
});

describe('an inclusion proof that names another root hash (its Merkle path and checkpoint intact)', () => {
  maybe('is refused by the emulator at upload and by pypi-attestations, which @sigstore/verify alone lets through', async () => {
    const file = distFile();
    const good = await attest(em, file.filename, file.content);
    const entry = good.verification_material.transparency_entries[0] as { inclusionProof: { rootHash: string } };
    const calculated = Buffer.from(entry.inclusionProof.rootHash, 'base64').toString('hex');
    const other = Buffer.from(entry.inclusionProof.rootHash, 'base64');
    other[0] = (other[0] + 1) % 256;
    const attestation: Attestation = JSON.parse(JSON.stringify(good));
    (attestation.verification_material.transparency_entries[0] as { inclusionProof: { rootHash: string } }).inclusionProof.rootHash = other.toString('base64');

    const trust = toTrustMaterial(TrustedRoot.fromJSON(em.sigstore.trustedRoot()));
    expect(() => new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 })
      .verify(toSignedEntity(bundleFromJSON(toBundleJson(attestation))))).not.toThrow();

    const answer = await uploadTo(file, [attestation]);
    expect(answer.status).toBe(400);
    expect(answer.reason).toBe(`${COULD_NOT_VERIFY}inclusion proof contains invalid root hash: expected ${other.toString('hex')}, ` +
      `calculated ${calculated}`);
    const run = await verifyPypi(file.dir, file.filename, [attestation]);
    expect(run.code).not.toBe(0);
    // sigstore-python names the proof object where the emulator names its root hash; the calculated root is the same
    expect(run.stderr + run.stdout).toContain('inclusion proof contains invalid root hash: expected');
    expect(run.stderr + run.stdout).toContain(`calculated ${calculated}`);
  });
});
