/** Fault injection: the next answers of a route misbehave in order, then normal service resumes. */
import { request } from 'node:http';
import { exchange, refusal } from './client';
import type { Emulator } from '../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../support/emulator';

let em: Emulator;
beforeAll(async () => {
  em = await startTestEmulator({ publishers: [defaultPublisher()] });
});
afterEach(() => em.faults.clear());

interface RawAnswer {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  /** How the exchange ended when it did not complete. */
  error?: string;
  /** Whether the headers had arrived when it ended. */
  gotHeaders: boolean;
}

/** One GET with node:http, reporting exactly how it ended. */
function get(url: string, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    let gotHeaders = false;
    let status: number | undefined;
    let headers: RawAnswer['headers'];
    const chunks: Buffer[] = [];
    const req = request(url, { agent: false }, (res) => {
      gotHeaders = true;
      status = res.statusCode;
      headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks).toString(), gotHeaders }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status, gotHeaders, error: e.code ?? e.message }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status, gotHeaders, error: e.code ?? e.message }));
    req.end();
  });
}

const audienceUrl = () => `${em.pypiUrl}/_/oidc/audience`;

test('faults play in order, then the route answers normally again', async () => {
  em.faults.inject('audience', { status: 503, body: '<html>down</html>' }, { status: 404 });
  expect(await get(audienceUrl())).toMatchObject({ status: 503, body: '<html>down</html>' });
  expect(await get(audienceUrl())).toMatchObject({ status: 404, body: '' });
  expect(await get(audienceUrl())).toMatchObject({ status: 200, body: '{"audience":"pypi"}' });
});

test('status, headers and an HTML body replace the answer', async () => {
  em.faults.inject('mint-token', { status: 502, headers: { 'retry-after': '7' }, body: '<html><body>Bad gateway</body></html>' });
  const res = await fetch(`${em.pypiUrl}/_/oidc/mint-token`, { method: 'POST', body: '{}' });
  expect(res.status).toBe(502);
  expect(res.headers.get('retry-after')).toBe('7');
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await res.text()).toContain('Bad gateway');
});

test('a pure delay still answers normally', async () => {
  em.faults.inject('audience', { delayMs: 150 });
  const started = Date.now();
  expect(await get(audienceUrl())).toMatchObject({ status: 200, body: '{"audience":"pypi"}' });
  expect(Date.now() - started).toBeGreaterThanOrEqual(140);
});

test('a stalled body: headers arrive, the rest does not within the client timeout', async () => {
  em.faults.inject('audience', { status: 200, body: '{"audience":"pypi"}', bodyDelayMs: 2_000 });
  expect(await get(audienceUrl(), 300)).toMatchObject({ gotHeaders: true, status: 200, error: 'TIMEOUT' });
});

test('a stalled body completes when the client waits', async () => {
  em.faults.inject('audience', { status: 200, body: '{"audience":"pypi"}', bodyDelayMs: 50 });
  expect(await get(audienceUrl())).toMatchObject({ status: 200, body: '{"audience":"pypi"}' });
});

test('reset before headers', async () => {
  em.faults.inject('oidc-token', { reset: 'before-headers' });
  const answer = await get(`${em.oidc.requestUrl}&audience=pypi`);
  expect(answer.gotHeaders).toBe(false);
  expect(answer.error).toMatch(/ECONNRESET|socket hang up/);
});

test('reset mid-body', async () => {
  em.faults.inject('audience', { status: 200, body: '{"audience":"pypi"}', reset: 'mid-body' });
  const answer = await get(audienceUrl());
  expect(answer.gotHeaders).toBe(true);
  expect(answer.error).toMatch(/ECONNRESET|aborted/);
});

test('raw malformed bytes on the socket', async () => {
  em.faults.inject('audience', { raw: 'HTTP/1.1 2OO Okay\r\nContent-Length: banana\r\n\r\n' });
  const answer = await get(audienceUrl());
  expect(answer.gotHeaders).toBe(false);
  expect(answer.error).toMatch(/^HPE_/);
});

test("faults on the issuer's discovery reach PyPI's own key lookup (then it recovers)", async () => {
  const own = await startTestEmulator({ publishers: [defaultPublisher()] });
  own.faults.inject('oidc-discovery', { status: 500 });
  expect(refusal(await exchange(own)).code).toBe('invalid-token');
  expect((await exchange(own)).status).toBe(200);
  expect(own.requests('oidc-discovery')).toHaveLength(2);
  expect(own.requests('jwks')).toHaveLength(1);
});

test('the request log records route, method, url and emulator time', async () => {
  const own = await startTestEmulator();
  own.clock.set(Date.UTC(2031, 5, 1));
  await get(`${own.pypiUrl}/_/oidc/audience`);
  await get(`${own.pypiUrl}/no/such/route`);
  const [entry] = own.requests('audience');
  expect(entry).toMatchObject({ route: 'audience', method: 'GET', url: '/_/oidc/audience' });
  expect(Math.abs(entry.at - Date.UTC(2031, 5, 1))).toBeLessThan(60_000);
  expect(own.requests()).toHaveLength(1);
});

test("`content-length: ''` sends the body unannounced (chunked)", async () => {
  const body = 'z'.repeat(70_000);
  em.faults.inject('audience', { status: 200, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', 'content-length': '' }, body });
  const r = await get(`${em.pypiUrl}/_/oidc/audience`);
  expect(r.headers?.['content-length']).toBeUndefined();
  expect(r.headers?.['transfer-encoding']).toBe('chunked');
  expect(r.body).toBe(body);
});

test('a header Node refuses to send turns the fault into a bare 500', async () => {
  em.faults.inject('audience', { status: 200, headers: { 'x-bad': 'line\r\nbreak' }, body: 'x' });
  const r = await get(`${em.pypiUrl}/_/oidc/audience`);
  expect({ status: r.status, body: r.body }).toEqual({ status: 500, body: '' });
  expect((await get(`${em.pypiUrl}/_/oidc/audience`)).status).toBe(200);
});
