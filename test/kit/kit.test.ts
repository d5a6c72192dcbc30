/**
 * The runner kit on its own, once (both steps' bundled suites run it again through each bundle): the loopback rule,
 * the OIDC token's checks whatever its source, all-or-nothing file writes, the deadline, and the printer's promise
 * under fuzzing: whatever a server says and whatever credential it echoes, no line carries a credential (in part or
 * whole, long text cut only after redaction), a command the step did not build, or the legacy `##[` form.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { httpWords as attestHttpWords } from '../../src/attest/messages';
import { createPrinter, type Printer } from '../../src/kit/commands';
import { OUT_OF_TIME, type StepFailure } from '../../src/kit/failure';
import { appendAll, FileWriteError, renderKeyValues } from '../../src/kit/files';
import { createHttp, type HttpWords } from '../../src/kit/http';
import { isLoopbackHost, requireSecureUrl } from '../../src/kit/inputs';
import { requestOidcToken, variableOidcSource, type OidcSource, type OidcWords } from '../../src/kit/oidc';
import { Redactor } from '../../src/kit/redact';
import { Deadline, gaveUpNote, realSleep, withRetries, type Timing } from '../../src/kit/retry';
import { httpWords as mintHttpWords, oidcWords as mintWords } from '../../src/mint/messages';

const fakeJwt = (claims: Record<string, unknown>) =>
  ['{"alg":"RS256"}', JSON.stringify(claims), 'signature'].map((p) => Buffer.from(p).toString('base64url')).join('.');

function recorder(): { lines: string[]; print: Printer; redactor: Redactor } {
  const lines: string[] = [];
  const redactor = new Redactor();
  return { lines, redactor, print: createPrinter({ write: (l) => void lines.push(l) }, redactor) };
}

describe('the loopback rule', () => {
  test.each(['127.0.0.1', '127.255.0.9', 'localhost', '[::1]', '::1'])('%s is loopback', (h) => expect(isLoopbackHost(h)).toBe(true));
  test.each(['127.evil.example', '127.0.0.1.nip.io', '127.0.0.256', '128.0.0.1', 'localhost.example', '0.0.0.0'])('%s is not', (h) =>
    expect(isLoopbackHost(h)).toBe(false));

  test('plain http to a look-alike host is refused before any request', () => {
    expect(() => requireSecureUrl('http://127.evil.example/token', 'the URL', (m) => new Error(m), mintWords.url)).toThrow(/non-loopback host '127.evil.example'/);
    expect(requireSecureUrl('http://127.0.0.1:8080/token', 'the URL', (m) => new Error(m), mintWords.url).port).toBe('8080');
  });
});

describe('the OIDC token, whatever its source', () => {
  const words: OidcWords<Error & { code: string; title: string; retryable: boolean }> = {
    url: mintWords.url,
    status: () => Object.assign(new Error('status'), { code: 'status', title: 't', retryable: false }),
    noValue: () => Object.assign(new Error('no value'), { code: 'no-value', title: 't', retryable: false }),
    notAJwt: () => Object.assign(new Error('not a JWT'), { code: 'not-a-jwt', title: 't', retryable: false }),
    wrongAudience: (got) => Object.assign(new Error(`wrong audience ${got}`), { code: 'aud', title: 't', retryable: false }),
    unusableUrl: (m) => Object.assign(new Error(m), { code: 'url', title: 't', retryable: false }),
  };
  const source = (value: string): OidcSource => ({ name: 'test', issuer: 'https://issuer.example', token: async () => value });

  test('a value that is not a JWT is never masked (a one-letter mask blanks that letter everywhere) and is refused', async () => {
    const r = recorder();
    await expect(requestOidcToken(source('e'), 'sigstore', { ...r, words })).rejects.toThrow('not a JWT');
    expect(r.lines).toEqual([]);
  });

  test('a JWT is masked once it decodes, and refused for another audience', async () => {
    const r = recorder();
    const jwt = fakeJwt({ aud: 'pypi', sub: 'repo:o/r:ref:refs/heads/main' });
    await expect(requestOidcToken(source(jwt), 'sigstore', { ...r, words })).rejects.toThrow('wrong audience pypi');
    expect(r.lines).toEqual([`::add-mask::${jwt}`]);
    expect(r.redactor.redact(`echo ${jwt}`)).toBe('echo ***');
  });

  test('a token handed over in a variable (GitLab\'s id_tokens) goes through the same checks', async () => {
    const jwt = fakeJwt({ aud: 'sigstore', sub: 'project_path:group/project:ref_type:tag:ref:v1' });
    const r = recorder();
    const token = await requestOidcToken(variableOidcSource({ SIGSTORE_ID_TOKEN: jwt }, 'SIGSTORE_ID_TOKEN', 'https://gitlab.com'), 'sigstore', { ...r, words });
    expect(token.claims.sub).toBe('project_path:group/project:ref_type:tag:ref:v1');
    await expect(requestOidcToken(variableOidcSource({}, 'SIGSTORE_ID_TOKEN', 'https://gitlab.com'), 'sigstore', { ...r, words })).rejects.toThrow('no value');
  });
});

describe('the runner\'s files', () => {
  test('a set of writes is all or nothing: a failed second write cuts the first back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kit-files-'));
    const output = join(dir, 'output');
    writeFileSync(output, 'before\n');
    const entries = renderKeyValues([['api-token', 'x\ny'], ['expires', '1']]);
    expect(entries).toMatch(/^api-token<<ghadelimiter_[0-9a-f-]+\nx\ny\nghadelimiter_/);
    expect(() => appendAll([{ path: output, text: entries, what: 'outputs' }, { path: dir, text: 'x', what: 'env' }])).toThrow(FileWriteError);
    expect(readFileSync(output, 'utf8')).toBe('before\n');
  });
});

describe('the deadline', () => {
  const quick: Timing = { requestTimeoutMs: 10_000, totalTimeoutMs: 1_000, backoffMs: [10, 10, 10, 10], maxRetryAfterMs: 10 };
  const hooksFor = <F extends StepFailure>(isFailure: (e: unknown) => e is F) => ({
    now: Date.now,
    sleep: realSleep,
    random: () => 0.5,
    onRetry: () => undefined,
    isFailure,
    gaveUp: (f: F, n: number, why: 'limit' | 'deadline') => new Error(`${f.message}\n${gaveUpNote(n, why, quick.totalTimeoutMs)}`) as F,
  });

  test('a request the time limit cuts is a timeout, and the retries end with the time limit\'s line', async () => {
    const silent = createServer(() => undefined); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    try {
      const { port } = silent.address() as AddressInfo;
      const deadline = Date.now() + quick.totalTimeoutMs;
      const send = createHttp({ env: {}, now: Date.now, redactor: new Redactor(), words: mintHttpWords },
        { requestTimeoutMs: quick.requestTimeoutMs, deadline, maxBodyBytes: 1024, userAgent: 'test' });
      const request = () => send({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/`), target: 'the silent server' });
      await expect(withRetries(request, quick, deadline, hooksFor(mintHttpWords.isFailure)))
        .rejects.toThrow(/^the silent server did not answer within (?:0\.\d|1\.0) s\.\n\(gave up after 1 attempt: the next attempt would pass the 1 s time limit\)$/);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  test('a request with no time left to start ends the retries the same way, in either step\'s words', async () => {
    for (const words of [mintHttpWords, attestHttpWords] as Array<HttpWords<StepFailure>>) {
      expect(words.deadline('x').code).toBe(OUT_OF_TIME);
      let calls = 0;
      const attempt = async () => {
        calls++;
        throw words.deadline('the index');
      };
      await expect(withRetries(attempt, quick, Date.now() + 60_000, hooksFor(words.isFailure))).rejects.toThrow(/\n\(gave up after 1 attempt: /);
      expect(calls).toBe(1);
    }
  });

  test('work abandoned at the limit can see it is expired, so it writes nothing after', async () => {
    const deadline = new Deadline(50);
    let sawExpired: boolean | undefined;
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 150));
      sawExpired = deadline.expired;
      return 'late';
    };
    await expect(deadline.race(slow, () => new Error('out of time'))).rejects.toThrow('out of time');
    expect(deadline.expired).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(sawExpired).toBe(true);
  });
});

describe('the printer under fuzzing', () => {
  test('no credential, no foreign command, no `##[`, whatever the server text', () => {
    const serverText = fc.array(fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('::error::x', '  ::add-mask::e', '\n::set-output name=a::b', '##[group]', '%0A::warning::', '\r\n', '`', '|'),
    ), { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(fc.property(serverText, fc.integer({ min: 0, max: 4500 }), fc.boolean(), (text, padding, encoded) => {
      const r = recorder();
      const jwt = fakeJwt({ aud: 'sigstore', jti: String(padding), sub: 'repo:o/r:ref:refs/tags/v1' });
      r.redactor.add(jwt);
      const echoed = encoded ? Buffer.from(jwt).toString('base64') : jwt;
      const said = `${'A'.repeat(padding)}${text}${echoed}${text}`;
      r.print.log(said);
      r.print.warning(`title ${text}`, said);
      r.print.error(text.slice(0, 20), said);
      const out = r.lines.join('\n');
      for (let i = 0; i + 12 <= jwt.length; i += 12) if (out.includes(jwt.slice(i, i + 12))) return false;
      const physical = out.split(/\r?\n|\r/);
      if (physical.some((l) => l.includes('##['))) return false;
      const commands = physical.filter((l) => /^\s*::/.test(l));
      return commands.length === 2 && commands.every((l) => /^::(warning|error)( title=[^:]*)?::/.test(l));
    }), { numRuns: 150, seed: 740 });
  });
});

describe('the redactor on hostile text', () => {
  test('a megabyte of text made to backtrack is redacted at once (the patterns are linear; before, 60 KB of `A` took 11 s)', () => {
    const r = new Redactor();
    for (const text of ['A'.repeat(1024 * 1024), 'eyJ'.repeat(350_000), 'http://x'.repeat(130_000), 'eyJa.'.repeat(200_000)]) {
      expect(r.redact(text, 100).length).toBeLessThan(200);
    }
  });

  test('the shapes still go: URL credentials, JWTs, pypi- tokens, known secrets in any encoding', () => {
    const r = new Redactor();
    r.add('secret-value-123');
    const token = `pypi-${'A'.repeat(60)}`;
    expect(r.redact(`x https://user:pw@host/ Bearer eyJhbGciOi.eyJzdWIi.c2ln ${token} ${Buffer.from('secret-value-123').toString('base64')}`))
      .toBe('x https://***@host/ Bearer *** pypi-*** ***');
  });
});
