/**
 * The mint step's fuzz property, held by the attest bundle under Node 24: Fulcio or Rekor answers with generated
 * statuses and bodies (JSON of the right shape or not, server text with workflow commands, Markdown, `##[`, and the
 * JWT the step just sent echoed back, plain or base64). Every run either attests (exit 0, `attested=true`, a file per
 * distribution) or fails cleanly (exit 1, one titled error, no output written, no stack); never a line started by
 * server text, a stray command, live server text in the summary, or any part of a credential.
 */
import * as fc from 'fast-check';
import { attestationFiles, SDIST, workspaceWith } from './harness';
import type { Emulator } from '../../src/emulator';
import { ATTEST_BUNDLE, failureProblems, liveServerText, runBundledAction } from '../mint/harness';
import { defaultPublisher, startTestEmulator } from '../support/emulator';
import { NODE24 } from '../support/node';
import { startTamperProxy, type TamperProxy } from '../support/tamper-proxy';

const MARKER = 'INJECTED-LINE';
const RUNS = 20;

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

const serverText = fc.array(fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(`\n::error::${MARKER}`, `\n  ::warning::${MARKER}`, `##[group]${MARKER}`, `\r::add-mask::${MARKER}`,
    `[${MARKER}](https://evil.example)`, `![${MARKER}](https://evil.example/i.png)`, `<img src=${MARKER}>`, '`', '```', '|', '{{jwt}}', '{{jwt64}}'),
), { maxLength: 8 }).map((parts) => parts.join(''));

const answer = fc.record({
  route: fc.constantFrom('/api/v2/signingCert', '/api/v1/log/entries'),
  // no 408/429/5xx: those are retried with production pauses (seconds); the retry rules have their own tests
  status: fc.constantFrom(200, 201, 302, 400, 401, 404, 409, 422),
  body: fc.oneof(
    serverText.map((t) => JSON.stringify({ message: t })),
    serverText.map((t) => JSON.stringify({ error: t, code: 3 })),
    serverText,
    serverText.map((t) => JSON.stringify({ signedCertificateEmbeddedSct: { chain: { certificates: [t] } } })),
    serverText.map((t) => JSON.stringify({ abc123: { body: Buffer.from(t).toString('base64'), logID: 'ab', logIndex: 1, integratedTime: 2 } })),
  ),
  contentType: fc.constantFrom('application/json', 'text/plain', 'text/html'),
});

test(`${RUNS} generated Fulcio and Rekor answers: attested, or a clean failure; no injection, no leak`, async () => {
  const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
  await fc.assert(fc.asyncProperty(answer, async (a) => {
    let jwt = '';
    sigstore.hooks = {
      answer: (path, body, res) => {
        if (path.startsWith('/api/v2/signingCert')) jwt = JSON.parse(body.toString('utf8')).credentials.oidcIdentityToken;
        if (!path.startsWith(a.route)) return false;
        const text = a.body.split('{{jwt}}').join(jwt).split('{{jwt64}}').join(Buffer.from(jwt).toString('base64'));
        res.writeHead(a.status, { 'content-type': a.contentType }).end(text);
        return true;
      },
    };
    const { workspace, dist } = workspaceWith(SDIST);
    const r = await runBundledAction({
      node: NODE24,
      bundle: ATTEST_BUNDLE,
      cwd: workspace,
      label: 'attest bundle (fuzz)',
      inputs: { 'fulcio-url': sigstore.url, 'rekor-url': sigstore.url },
      env: { ACTIONS_ID_TOKEN_REQUEST_URL: emu.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken },
      timeoutMs: 60_000,
    });
    const problems: string[] = [];
    if (r.code === 0) {
      if (r.outputs.attested !== 'true' || attestationFiles(dist).length !== 1) problems.push('exit 0 without an attestation');
    } else {
      problems.push(...failureProblems({ code: r.code, stdout: r.stdout, stderr: r.stderr, outputFile: r.rawOutputFile, envFile: r.rawEnvFile }));
      if (attestationFiles(dist).length > 0) problems.push('an attestation written by a failed run');
    }
    const lines = r.stdout.split(/\r?\n/);
    if (lines.some((l) => l.trimStart().startsWith(MARKER) || l.startsWith(`::add-mask::${MARKER}`))) problems.push('server text started a line');
    if (lines.some((l) => l.includes('##['))) problems.push('a legacy ##[ command');
    if (lines.some((l) => /^\s+::/.test(l))) problems.push('a command after leading whitespace');
    const stray = lines.find((l) => l.startsWith('::') && !/^::(add-mask|error|warning)(\s[^:]*)?::/.test(l));
    if (stray !== undefined) problems.push(`unexpected command: ${stray.slice(0, 40)}`);
    if (liveServerText(r.summary, MARKER).length > 0) problems.push('server text live in the summary');
    const shown = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n') + r.summary + r.stderr;
    for (let i = 0; jwt && i + 12 <= jwt.length; i += 12) {
      if (shown.includes(jwt.slice(i, i + 12))) {
        problems.push('part of the JWT was shown');
        break;
      }
    }
    if (problems.length > 0) throw new Error(`${problems.join('; ')}\n${r.stdout.slice(0, 2000)}`);
  }), { numRuns: RUNS, seed });
}, 300_000);
