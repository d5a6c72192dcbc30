/**
 * fast-check generators of server answers for the three endpoints the action calls (status x headers x body),
 * biased toward what real and hostile servers send: PyPI-shaped JSON with wrong types, HTML error pages, 422 bodies
 * whose descriptions try workflow-command injection or echo the JWT back (plain and encoded), redirects, huge
 * bodies, resets and malformed HTTP. A generated answer is a function of the request, so it can echo what was sent.
 */
import * as fc from 'fast-check';
import type { Fault } from '../../../src/emulator';
import type { HostileRoute, RecordedRequest } from '../../support/hostile-server';
import { fakeJwt, fakePypiToken, runnerClaims } from '../../support/hostile-server';

/** A line an injected description tries to start; the property checks no output line ever begins with it. */
export const INJECTION_MARKER = 'INJECTED-LINE';

/** What one generated case does for its route; `secrets` collects every credential it put in a body. */
export interface GeneratedAnswer {
  readonly label: string;
  /** a well-formed success: the action must succeed with exactly this token (mint) / this audience or JWT */
  readonly canonical: boolean;
  build(req: RecordedRequest, secrets: string[]): Fault;
}

const jsonHeaders = { 'content-type': 'application/json' };

const status = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(200, 400, 401, 403, 404, 405, 408, 409, 410, 413, 422, 429, 500, 502, 503, 504) },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
);

/** Options that keep a generated case within a run-time budget (the child fuzzer runs with production timing). */
export interface AnswerLimits {
  /** longest slow-header / slow-body stall; 0 = never stall */
  readonly maxDelayMs?: number;
  /** largest numeric Retry-After, in seconds */
  readonly maxRetryAfterSeconds?: number;
}

const retryAfter = (maxSeconds: number) => fc.oneof(
  fc.integer({ min: -5, max: maxSeconds }).map(String),
  fc.constantFrom('0', '1', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon', '', 'NaN', '1.5'),
  ...(maxSeconds > 3600 ? [fc.constantFrom('Fri, 31 Dec 9999 23:59:59 GMT', '1e9')] : []),
);

const extraHeaders = (maxRetryAfterSeconds: number) => fc.record({
  'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/html', 'text/plain',
    'application/octet-stream', 'application/problem+json'),
  'retry-after': retryAfter(maxRetryAfterSeconds),
  'location': fc.constantFrom('http://127.0.0.2:9/steal', 'https://evil.example/', '/elsewhere', '//evil.example/x', 'not a url'),
  'set-cookie': fc.constant('session=abc; HttpOnly'),
  'x-unicode': fc.constantFrom('caf\u00e9', 'emoji \u{1F600}'),
}, { requiredKeys: [] }).map((h) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Buffer.from(v).toString('latin1')])));

const html = fc.constantFrom(
  '<html><body><h1>502 Bad Gateway</h1></body></html>',
  '<!DOCTYPE html><title>Service Unavailable</title><p>Back soon</p>',
  '<html>' + '<div>maintenance</div>'.repeat(200) + '</html>',
);

/** Any JSON-ish value in a slot where a string was expected. */
const wrongValue = fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.double(), fc.string({ maxLength: 40 }),
  fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }));

/** Strings that start like a token and are not one (case, whitespace, newline, control, empty tail). */
const badToken = fc.oneof(
  fc.constantFrom('', 'pypi-', 'PYPI-abc', ' pypi-abc', 'pypi-abc\n', 'pypi-a b', 'pypi-\u0000x', 'null', 'pypi-\u00e9t\u00e9',
    'pypi-x\r\n::set-output name=api-token::evil', 'pyp1-' + 'a'.repeat(60), 'pypi-##[add-mask]x', 'e'),
  fc.string({ maxLength: 60 }),
  fc.constant('pypi-' + 'A'.repeat(9000)),
);

/** A 422 description that tries to break out of the annotation or repeats the credential it was sent. */
const description = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(`bad\n${INJECTION_MARKER}`, `x\r\n${INJECTION_MARKER}::set-output name=api-token::evil`,
    `%0A${INJECTION_MARKER}`, `\n::add-mask::${INJECTION_MARKER}`, `::stop-commands::${INJECTION_MARKER}`,
    // the legacy form, read anywhere in a line, and `::` after leading whitespace (the runner trims lines)
    `see ##[set-output name=api-token;]${INJECTION_MARKER}`, `##[add-mask]${INJECTION_MARKER}`, `\n  ::warning::${INJECTION_MARKER}`,
    `\t::error::${INJECTION_MARKER}`,
    // Markdown that would render live in the step summary
    `[Re-register here](https://evil.example/${INJECTION_MARKER}) ![i](https://evil.example/${INJECTION_MARKER}.png)`,
    `*${INJECTION_MARKER}* @${INJECTION_MARKER} <img src=${INJECTION_MARKER}> https://${INJECTION_MARKER}.example`,
    'valid token, but no corresponding publisher (Publisher with matching claims was not found)'),
  fc.constantFrom('jwt', 'jwt-base64', 'jwt-base64url', 'jwt-urlencoded', 'body-base64', 'token').map((k) => `echo:${k}`),
);

/** Replace `echo:<form>` descriptions with the form of the JWT the request carried (the server knows it). */
function echo(text: string, req: RecordedRequest): string {
  if (!text.startsWith('echo:')) return text;
  let jwt = '';
  try {
    jwt = String((JSON.parse(req.body) as { token?: unknown }).token ?? '');
  } catch {
    jwt = '';
  }
  const forms: Record<string, string> = {
    'jwt': jwt,
    'jwt-base64': Buffer.from(jwt).toString('base64'),
    'jwt-base64url': Buffer.from(jwt).toString('base64url'),
    'jwt-urlencoded': encodeURIComponent(jwt),
    'body-base64': Buffer.from(req.body).toString('base64'),
    'token': fakePypiToken(),
  };
  return `you sent: ${forms[text.slice(5)]}`;
}

const shapedBody = (route: HostileRoute): fc.Arbitrary<(req: RecordedRequest, secrets: string[]) => string> => {
  switch (route) {
    case 'audience':
      return fc.oneof(
        fc.constantFrom('pypi', 'testpypi').map((a) => () => JSON.stringify({ audience: a })),
        wrongValue.map((v) => () => JSON.stringify({ audience: v })),
        fc.constant(() => JSON.stringify({ message: 'Trusted publishing functionality not enabled' })),
      );
    case 'oidc-token':
      return fc.oneof(
        fc.constantFrom('pypi', 'other', 'pypi ', 'PYPI', '').map((aud) => (_req: RecordedRequest, secrets: string[]) => {
          const jwt = fakeJwt(runnerClaims(aud));
          secrets.push(jwt);
          return JSON.stringify({ count: 1, value: jwt });
        }),
        fc.constant((_req: RecordedRequest, secrets: string[]) => {
          const jwt = fakeJwt({ ...runnerClaims('pypi'), aud: ['pypi', 'other'] });
          secrets.push(jwt);
          return JSON.stringify({ value: jwt });
        }),
        wrongValue.map((v) => () => JSON.stringify({ value: v })),
        fc.constantFrom('eyJ.not.ajwt', 'a.b.c', 'eyJhbGciOiJub25lIn0.eyJhdWQiOiJweXBpIn0.').map((v) => () => JSON.stringify({ value: v })),
      );
    case 'mint-token':
      return fc.oneof(
        fc.record({ code: fc.constantFrom('invalid-publisher', 'invalid-reuse-token', 'invalid-token', 'not-enabled', 'x'), description })
          .chain((e) => fc.array(fc.constant(e), { minLength: 0, maxLength: 3 }))
          .map((errors) => (req: RecordedRequest) =>
            JSON.stringify({ message: 'Token request failed', errors: errors.map((e) => ({ code: e.code, description: echo(e.description, req) })) })),
        fc.tuple(badToken, fc.option(wrongValue)).map(([token, expires]) => () => JSON.stringify({ success: true, token, expires })),
        wrongValue.map((v) => () => JSON.stringify({ success: true, token: v })),
        fc.constant((_req: RecordedRequest, secrets: string[]) => {
          const token = fakePypiToken();
          secrets.push(token);
          return JSON.stringify({ success: false, token, expires: 'never' });
        }),
      );
    default:
      return fc.constant(() => 'other');
  }
};

const body = (route: HostileRoute) => fc.oneof(
  { weight: 4, arbitrary: shapedBody(route) },
  { weight: 1, arbitrary: html.map((h) => () => h) },
  { weight: 1, arbitrary: fc.json({ maxDepth: 2 }).map((j) => () => j) },
  { weight: 1, arbitrary: fc.constantFrom('null', '42', '"pypi-abc"', '[]', '{}', '', '{"token":', '\u0000\u0001', 'true').map((b) => () => b) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 100 }).map((s) => () => s) },
  { weight: 1, arbitrary: fc.integer({ min: 64 * 1024, max: 3 * 1024 * 1024 }).map((n) => () => 'x'.repeat(n)) },
);

/** Transport-level misbehaviour, rarer than bad answers. */
const transport = fc.constantFrom<Fault>(
  { reset: 'before-headers' },
  { reset: 'mid-body', status: 200, headers: jsonHeaders, body: '{"token": "pypi-' + 'x'.repeat(100) + '"}' },
  { raw: 'HTTP/1.1 200 OK\r\nContent-Length: zz\r\n\r\n{}' },
  { raw: 'HELLO\r\n\r\n' },
  { raw: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"audience":' },
  { raw: Buffer.from([0, 1, 2, 3, 255, 254]) },
  { raw: '' },
);

/** A generated answer for `route`, within `limits`. */
export function answerFor(route: HostileRoute, limits: AnswerLimits = {}): fc.Arbitrary<GeneratedAnswer> {
  const maxDelayMs = limits.maxDelayMs ?? 0;
  const stall = fc.record({ delayMs: fc.integer({ min: 0, max: maxDelayMs }), bodyDelayMs: fc.integer({ min: 0, max: maxDelayMs }) },
    { requiredKeys: [] });
  const delays = maxDelayMs > 0
    ? fc.oneof({ weight: 50, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: stall })
    : fc.constant({});
  const shaped = fc.tuple(status, extraHeaders(limits.maxRetryAfterSeconds ?? 100_000), body(route), delays)
    .map(([s, h, b, d]): GeneratedAnswer => ({
      label: `status ${s}, headers ${JSON.stringify(h)}, delays ${JSON.stringify(d)}`,
      canonical: false,
      build: (req, secrets) => ({ status: s, headers: { ...jsonHeaders, ...h }, body: b(req, secrets), ...d }),
    }));
  return fc.oneof(
    { weight: 12, arbitrary: shaped },
    { weight: 2, arbitrary: transport.map((f): GeneratedAnswer => ({ label: `transport ${JSON.stringify(f).slice(0, 80)}`, canonical: false, build: () => f })) },
    { weight: 2, arbitrary: canonical(route) },
  );
}

/** A well-formed success for the route (the action must then succeed). */
function canonical(route: HostileRoute): fc.Arbitrary<GeneratedAnswer> {
  return fc.constant({
    label: 'canonical success',
    canonical: true,
    build: (req: RecordedRequest, secrets: string[]): Fault => {
      if (route === 'audience') return { status: 200, headers: jsonHeaders, body: JSON.stringify({ audience: 'pypi' }) };
      if (route === 'oidc-token') {
        const aud = new URL(req.url, 'http://x').searchParams.get('audience') ?? '';
        const jwt = fakeJwt(runnerClaims(aud));
        secrets.push(jwt);
        return { status: 200, headers: jsonHeaders, body: JSON.stringify({ count: 1, value: jwt }) };
      }
      const token = fakePypiToken();
      secrets.push(token);
      return { status: 200, headers: jsonHeaders, body: JSON.stringify({ success: true, token, expires: Math.floor(Date.now() / 1000) + 900 }) };
    },
  });
}

/** Which route a case attacks, with its answer. */
export const caseArbitrary = (limits: AnswerLimits = {}) =>
  fc.constantFrom<HostileRoute>('audience', 'oidc-token', 'mint-token').chain((route) =>
    answerFor(route, limits).map((answer) => ({ route, answer })));
