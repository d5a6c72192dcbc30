/**
 * The red team's findings against the attest step, each pinned against the committed bundle (attest/index.cjs, the
 * drift check keeps it fresh) under Node 24, as the runner runs it. A tampering stand-in sits between the step and
 * the emulator's Fulcio and Rekor (test/support/tamper-proxy.ts); a hostile TLS server plays GitHub's OIDC endpoint
 * where TLS is the point. Every case ends with nothing written: no attestation file, `attested` never `true`.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attestationFiles, SDIST, WHEEL, workspaceWith } from './harness';
import type { Emulator } from '../../src/emulator';
import { annotations, ATTEST_BUNDLE, liveServerText, maskedValues, runBundledAction, theError } from '../mint/harness';
import { makeTestCertificate } from '../mint/hostile/tls';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { startHostileServer, type HostileServer } from '../support/hostile-server';
import { registerSecret } from '../support/leaks';
import { NODE24 } from '../support/node';
import { startProxy } from '../support/proxy';
import { startTamperProxy, type Answer, type TamperProxy } from '../support/tamper-proxy';

let emu: Emulator;
let sigstore: TamperProxy;
beforeAll(async () => {
  emu = await startTestEmulator({ projects: ['demo-package'], publishers: [defaultPublisher()] });
  sigstore = await startTamperProxy(emu.sigstore.fulcioUrl);
});
afterAll(async () => {
  await sigstore.close();
  await emu.close();
});
beforeEach(() => {
  sigstore.hooks = {};
  sigstore.seen.length = 0;
  emu.clock.reset();
  emu.resetRunnerClaims();
});

const oidcEnv = () => ({ ACTIONS_ID_TOKEN_REQUEST_URL: emu.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken });

function run(workspace: string, opts: { inputs?: Record<string, string>; env?: Record<string, string> } = {}) {
  return runBundledAction({
    node: NODE24,
    bundle: ATTEST_BUNDLE,
    cwd: workspace,
    label: 'attest bundle (hostile)',
    inputs: { 'fulcio-url': sigstore.url, 'rekor-url': sigstore.url, ...opts.inputs },
    env: { ...oidcEnv(), ...opts.env },
  });
}

/** Exit 1 with this title, nothing written, no `attested` output. */
async function refused(workspace: string, dist: string, title: string, opts?: Parameters<typeof run>[1]) {
  const r = await run(workspace, opts);
  expect(theError(r.stdout).title).toBe(title);
  expect(r.code).toBe(1);
  expect(r.stderr).toBe('');
  expect(attestationFiles(dist)).toEqual([]);
  expect(r.outputs.attested).toBeUndefined();
  return r;
}

const json = (b: Buffer) => JSON.parse(b.toString('utf8'));
const flipBase64 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  bytes[bytes.length - 1] = (bytes[bytes.length - 1] + 1) % 256;
  return bytes.toString('base64');
};
const flipHex = (hex: string) => `${hex.slice(0, -1)}${hex.endsWith('0') ? '1' : '0'}`;
const isEntries = (path: string) => path.startsWith('/api/v1/log/entries');
/** Rewrites each Rekor entry of an answer (`{uuid: entry}`). */
const eachEntry = (edit: (e: Record<string, any>) => void) => (path: string, a: Answer): Answer => {
  if (!isEntries(path) || a.status >= 300) return a;
  const body = json(a.body);
  for (const e of Object.values(body)) edit(e as Record<string, any>);
  return { ...a, body: Buffer.from(JSON.stringify(body)) };
};

describe('what Fulcio certifies must be the job\'s own identity', () => {
  /** Fulcio receives a token for other claims (same subject, so the proof of possession holds) and certifies them. */
  const certifyInstead = (claims: Record<string, string>) => async (path: string, body: Buffer): Promise<Buffer> => {
    if (!path.startsWith('/api/v2/signingCert')) return body;
    const request = json(body);
    const own = JSON.parse(Buffer.from(request.credentials.oidcIdentityToken.split('.')[1], 'base64url').toString('utf8'));
    emu.setRunnerClaims({ ...claims, sub: own.sub });
    try {
      const url = new URL(emu.oidc.requestUrl);
      url.searchParams.set('audience', 'sigstore');
      const res = await fetch(url, { headers: { authorization: `bearer ${emu.oidc.requestToken}` } });
      request.credentials.oidcIdentityToken = ((await res.json()) as { value: string }).value;
    } finally {
      emu.resetRunnerClaims();
    }
    return Buffer.from(JSON.stringify(request));
  };

  test.each([
    ['another repository', { repository: 'octo-org/fork', job_workflow_ref: 'octo-org/fork/.github/workflows/release.yml@refs/tags/v1.0.0' }, /subject alternative name/],
    ['another workflow', { workflow_ref: 'octo-org/demo/.github/workflows/ci.yml@refs/tags/v1.0.0' }, /build config URI/],
    ['another ref', { ref: 'refs/heads/evil' }, /source repository ref/],
  ])('%s: refused before anything is signed or logged', async (_name, claims, field) => {
    sigstore.hooks.request = certifyInstead(claims);
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Fulcio certified another identity');
    expect(theError(r.stdout).message).toMatch(field);
    expect(sigstore.seen.filter(isEntries)).toEqual([]);
    expect(r.stdout).not.toMatch(/Fulcio \(.*\) certified/);
  });
});

describe('every attestation verifies against the trusted root before it is written', () => {
  test('a certificate chain that is not in the trusted root', async () => {
    const stranger = new X509Certificate(makeTestCertificate(['stranger.example']).cert).raw.toString('base64');
    sigstore.hooks.response = (path, a) => {
      if (path !== '/trusted_root.json') return a;
      const root = json(a.body);
      for (const ca of root.certificateAuthorities) ca.certChain.certificates = [{ rawBytes: stranger }];
      return { ...a, body: Buffer.from(JSON.stringify(root)) };
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Attestation does not verify');
    expect(theError(r.stdout).message).toMatch(/CERTIFICATE_ERROR|certificate/i);
  });

  test('a signed entry timestamp that does not verify', async () => {
    sigstore.hooks.response = eachEntry((e) => {
      e.verification.signedEntryTimestamp = flipBase64(e.verification.signedEntryTimestamp);
    });
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Attestation does not verify');
    expect(theError(r.stdout).message).toMatch(/TLOG_INCLUSION_PROMISE_ERROR|signature/i);
  });

  test('an inclusion proof whose Merkle path does not lead to the checkpoint', async () => {
    sigstore.hooks.response = eachEntry((e) => {
      const proof = e.verification.inclusionProof;
      // a proof of a one-entry tree has no hashes: claim a bigger tree with a made-up sibling instead
      proof.hashes = proof.hashes.length > 0 ? [flipHex(proof.hashes[0]), ...proof.hashes.slice(1)] : ['00'.repeat(32)];
    });
    const { workspace, dist } = workspaceWith(SDIST, WHEEL);
    const r = await refused(workspace, dist, 'Attestation does not verify');
    expect(theError(r.stdout).message).toMatch(/TLOG_INCLUSION_PROOF_ERROR|inclusion/i);
  });

  test('an inclusion proof naming another root hash (path and checkpoint intact)', async () => {
    sigstore.hooks.response = eachEntry((e) => {
      e.verification.inclusionProof.rootHash = flipHex(e.verification.inclusionProof.rootHash);
    });
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Attestation does not verify');
    expect(theError(r.stdout).message).toContain('the inclusion proof\'s root hash is not the checkpoint\'s');
  });

  test('an integrated time outside the certificate\'s validity (Rekor\'s clock an hour ahead)', async () => {
    sigstore.hooks.response = (path, a) => {
      if (path.startsWith('/api/v2/signingCert')) emu.clock.advance(3_600);
      return a;
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Attestation does not verify');
    expect(theError(r.stdout).message).toMatch(/certificate|expired|valid/i);
  });

  test('with continue-without-attestations, a verification failure is a warning and nothing is written', async () => {
    sigstore.hooks.response = eachEntry((e) => {
      e.verification.signedEntryTimestamp = flipBase64(e.verification.signedEntryTimestamp);
    });
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await run(workspace, { inputs: { 'continue-without-attestations': 'true' } });
    expect(r.code).toBe(0);
    expect(annotations(r.stdout, 'error')).toEqual([]);
    expect(annotations(r.stdout, 'warning')[0].title).toBe('Publishing without attestations: Attestation does not verify');
    expect(r.outputs).toEqual({ attestations: '', attested: 'false' });
    expect(attestationFiles(dist)).toEqual([]);
  });
});

describe('the transport\'s guarantees hold for every request', () => {
  let tls: HostileServer;
  let recorder: HostileServer;
  beforeAll(async () => {
    tls = await startHostileServer({ tls: makeTestCertificate(['127.0.0.1']), onSecret: registerSecret });
    recorder = await startHostileServer({ onSecret: registerSecret });
  });
  afterAll(async () => {
    await tls.close();
    await recorder.close();
  });
  beforeEach(() => {
    tls.clear();
    recorder.clear();
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not switch TLS off: the request token never reaches an untrusted server', async () => {
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await run(workspace, {
      env: { NODE_TLS_REJECT_UNAUTHORIZED: '0', ACTIONS_ID_TOKEN_REQUEST_URL: tls.oidcRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: tls.requestToken },
    });
    expect(r.code).toBe(1);
    expect(theError(r.stdout).title).toBe('Certificate not trusted');
    expect(attestationFiles(dist)).toEqual([]);
    // Node itself warns that the variable is set; the step does not obey it
    expect(r.stderr).toMatch(/NODE_TLS_REJECT_UNAUTHORIZED/);
    expect(tls.requests()).toEqual([]);
    expect(r.stdout).not.toContain(tls.requestToken);
  });

  test('a proxy from the environment carries every request (GitHub\'s OIDC endpoint, Fulcio, Rekor, the trusted root)', async () => {
    const proxy = await startProxy();
    try {
      const { workspace, dist } = workspaceWith(SDIST);
      const r = await run(workspace, { env: { HTTP_PROXY: proxy.url } });
      expect(r.code).toBe(0);
      expect(attestationFiles(dist)).toEqual([`${SDIST}.publish.attestation`]);
      const targets = new Set(proxy.seen.map((t) => t.target));
      expect(targets).toEqual(new Set([new URL(emu.oidc.requestUrl).host, new URL(sigstore.url).host]));
    } finally {
      await proxy.close();
    }
  });

  test('Rekor\'s body is capped as it arrives: an endless answer is cut off, not buffered', async () => {
    let sent = 0;
    sigstore.hooks.answer = (path, _body, res) => {
      if (!isEntries(path)) return false;
      res.writeHead(201, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => undefined);
      pump();
      return true;
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Response too large');
    expect(theError(r.stdout).message).toContain('more than 1024 KiB');
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  test('a redirect from Rekor is refused and its target never contacted', async () => {
    sigstore.hooks.answer = (path, _body, res) => {
      if (!isEntries(path)) return false;
      res.writeHead(307, { location: `${recorder.url}/api/v1/log/entries` }).end();
      return true;
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Redirect refused');
    expect(theError(r.stdout).message).toContain(`a redirect to http://127.0.0.1:${new URL(recorder.url).port}`);
    expect(recorder.requests()).toEqual([]);
  });
});

describe('output hardened like the mint step\'s', () => {
  let hostile: HostileServer;
  beforeAll(async () => {
    hostile = await startHostileServer({ onSecret: registerSecret });
  });
  afterAll(async () => hostile.close());

  test('server text cannot break out of the summary\'s code: no live link, image or HTML', async () => {
    const said = '`](https://evil.example/x) ![i](https://evil.example/i.png) <img src=https://evil.example/h> **b** @octocat ```';
    sigstore.hooks.answer = (path, _body, res) => {
      if (!path.startsWith('/api/v2/signingCert')) return false;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: said }));
      return true;
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Fulcio refused a signing certificate');
    expect(r.summary).toContain('evil.example');
    expect(liveServerText(r.summary, 'evil.example')).toEqual([]);
    expect(liveServerText(r.summary, 'octocat')).toEqual([]);
  });

  test('an echoed JWT is redacted before the text is cut: no part of it reaches the log or the summary', async () => {
    let jwt = '';
    sigstore.hooks.answer = (path, body, res) => {
      if (!path.startsWith('/api/v2/signingCert')) return false;
      jwt = JSON.parse(body.toString('utf8')).credentials.oidcIdentityToken;
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `${'A'.repeat(280)} ${jwt}` }));
      return true;
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Fulcio refused a signing certificate');
    expect(jwt.split('.')).toHaveLength(3);
    const shown = r.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::')).join('\n') + r.summary;
    for (let i = 0; i + 12 <= jwt.length; i += 6) expect(shown).not.toContain(jwt.slice(i, i + 12));
  });

  test('a one-letter OIDC answer is never masked (it would blank that letter in the job log) and not sent on', async () => {
    hostile.script('oidc-token', () => ({ status: 200, body: JSON.stringify({ value: 'e' }) }));
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await refused(workspace, dist, 'Invalid OIDC token response', {
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: hostile.oidcRequestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: hostile.requestToken },
    });
    expect(maskedValues(r.stdout)).toEqual([]);
    expect(theError(r.stdout).message).toContain('not a JWT');
    expect(sigstore.seen.filter((p) => p.includes('signingCert'))).toEqual([]);
  });

  test.each([
    ['a workflow command in the name', 'x##[error]owned-1.0.tar.gz'],
    ['a code span and a link in the name', 'demo`<img src=x>`[l](https:evil.example)-1.0.tar.gz'],
    ['an sdist name that is not normalised (PEP 625)', 'Demo-Package-1.0.tar.gz'],
    ['a wheel with a bad version', 'demo_package-1.0.0.evil-py3-none-any.whl'],
  ])('%s: refused before any request, and the name printed as text', async (_name, file) => {
    const { workspace, dist } = workspaceWith();
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, file), 'x');
    const r = await refused(workspace, dist, 'Invalid distribution file name');
    expect(sigstore.seen).toEqual([]);
    expect(r.stdout).not.toContain('##[');
    expect(liveServerText(r.summary, 'evil.example')).toEqual([]);
  });
});

test('through the same stand-in untampered, the step attests and names each file\'s sha256', async () => {
  const { workspace, dist } = workspaceWith(WHEEL);
  const r = await run(workspace);
  expect(r.code).toBe(0);
  expect(r.outputs.attested).toBe('true');
  const a = JSON.parse(readFileSync(join(dist, `${WHEEL}.publish.attestation`), 'utf8'));
  const statement = JSON.parse(Buffer.from(a.envelope.statement, 'base64').toString('utf8'));
  expect(statement.subject[0].digest.sha256).toBe(createHash('sha256').update(readFileSync(join(dist, WHEEL))).digest('hex'));
});
