/**
 * The fault matrix: every way one of the three endpoints (audience, OIDC token, mint-token) can
 * misbehave, what the action must make of it (retry or stop), and the reason it must give. Used in-process (every
 * case, persistent and transient, with short timing) and with the bundled action as a child (production timing).
 * `slowMs` is how long a slow fault stalls: past the request timeout of the timing in use.
 */
import type { Fault } from '../../../src/emulator';
import { fakeJwt, runnerClaims } from '../../support/hostile-server';

export const ROUTES = ['audience', 'oidc-token', 'mint-token'] as const;
export type Endpoint = (typeof ROUTES)[number];

export interface FaultCase {
  readonly name: string;
  readonly build: (ctx: { otherHost: string; slowMs: number }) => Fault;
  /** the action must try again (fresh JWT for the exchange) rather than stop */
  readonly retryable: boolean;
  /** the first line of the error annotation when the fault persists */
  readonly reason: RegExp;
  /** routes this case applies to (default: all three) */
  readonly routes?: Endpoint[];
  /** a redirect: the other host must receive nothing */
  readonly redirect?: boolean;
}

const html = (title: string) => `<!DOCTYPE html><html><head><title>${title}</title></head><body><h1>${title}</h1>` +
  '<p>The server encountered a temporary error.</p></body></html>';
const htmlHeaders = { 'content-type': 'text/html; charset=utf-8' };
const json = { 'content-type': 'application/json' };

export const FAULTS: FaultCase[] = [
  ...[500, 502, 503].map((status): FaultCase => ({
    name: `${status} with an HTML body`,
    build: () => ({ status, headers: htmlHeaders, body: html(`${status} Server Error`) }),
    retryable: true,
    reason: new RegExp(`HTTP ${status}`),
  })),
  {
    name: '429 with Retry-After',
    build: () => ({ status: 429, headers: { 'retry-after': '1', ...htmlHeaders }, body: html('Too Many Requests') }),
    retryable: true,
    reason: /HTTP 429/,
  },
  {
    name: '200 with a non-JSON body',
    build: () => ({ status: 200, headers: htmlHeaders, body: html('Welcome to nginx!') }),
    retryable: false,
    reason: /JSON|not a|without/i,
  },
  {
    name: '200 with JSON lacking the field',
    build: () => ({ status: 200, headers: json, body: JSON.stringify({ success: true, message: 'ok' }) }),
    retryable: false,
    reason: /audience|value|token|JWT/i,
  },
  { name: '200 with `null`', build: () => ({ status: 200, headers: json, body: 'null' }), retryable: false, reason: /audience|value|token|JSON|JWT/i },
  { name: '200 with a number', build: () => ({ status: 200, headers: json, body: '42' }), retryable: false, reason: /audience|value|token|JSON|JWT/i },
  {
    name: 'a huge body (5 MiB)',
    build: () => ({ status: 200, headers: json, body: `{"padding":"${'x'.repeat(5 * 1024 * 1024)}"}` }),
    retryable: false,
    reason: /more than \d+ KiB/,
  },
  {
    name: 'a huge body without Content-Length (chunked)',
    build: () => ({ status: 200, headers: { ...json, 'transfer-encoding': 'chunked', 'content-length': '' }, body: 'y'.repeat(3 * 1024 * 1024) }),
    retryable: false,
    reason: /more than \d+ KiB/,
  },
  { name: 'slow headers', build: ({ slowMs }) => ({ delayMs: slowMs }), retryable: true, reason: /did not answer within/ },
  {
    name: 'slow body',
    build: ({ slowMs }) => ({ status: 200, headers: json, body: JSON.stringify({ audience: 'pypi', value: 'x', token: 'x' }), bodyDelayMs: slowMs }),
    retryable: true,
    reason: /did not answer within/,
  },
  {
    name: 'connection reset mid-body',
    build: () => ({ status: 200, headers: { ...json, 'content-length': '400' }, body: JSON.stringify({ audience: 'pypi', value: 'x', token: 'pypi-x' }).padEnd(400), reset: 'mid-body' }),
    retryable: true,
    reason: /connection|closed|reset|aborted|terminated|hang up/i,
  },
  { name: 'connection reset before headers', build: () => ({ reset: 'before-headers' }), retryable: true, reason: /connection|closed|reset|hang up/i },
  {
    name: 'malformed HTTP (bad Content-Length)',
    build: () => ({ raw: 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1x\r\n\r\n{}' }),
    retryable: false,
    reason: /not valid HTTP/,
  },
  { name: 'malformed HTTP (not HTTP at all)', build: () => ({ raw: 'SSH-2.0-OpenSSH_9.2\r\n\r\n' }), retryable: false, reason: /not valid HTTP/ },
  ...[301, 302, 307, 308].map((status): FaultCase => ({
    name: `${status} redirect to another host`,
    build: ({ otherHost }) => ({ status, headers: { location: `${otherHost}/_/oidc/mint-token` }, body: '' }),
    retryable: false,
    reason: new RegExp(`answered ${status}, a redirect to http://127\\.0\\.0\\.1:\\d+`),
    redirect: true,
  })),
  {
    name: 'a token not starting with pypi-',
    build: () => ({ status: 200, headers: json, body: JSON.stringify({ success: true, token: `pypa-${'A'.repeat(160)}`, expires: 1 }) }),
    retryable: false,
    reason: /not `pypi-` followed by a macaroon in base64url/,
    routes: ['mint-token'],
  },
  {
    name: 'a token that is null',
    build: () => ({ status: 200, headers: json, body: JSON.stringify({ success: true, token: null }) }),
    retryable: false,
    reason: /`token` is null/,
    routes: ['mint-token'],
  },
  {
    name: 'an OIDC token whose aud differs',
    build: () => ({ status: 200, headers: json, body: JSON.stringify({ count: 1, value: fakeJwt(runnerClaims('sigstore')) }) }),
    retryable: false,
    reason: /audience .*sigstore.* instead of 'pypi'/,
    routes: ['oidc-token'],
  },
];

/** The (route, fault name, fault) rows of the matrix, for `describe.each`. */
export function matrix(): Array<[Endpoint, string, FaultCase]> {
  return ROUTES.flatMap((route) => FAULTS.filter((f) => !f.routes || f.routes.includes(route))
    .map((f): [Endpoint, string, FaultCase] => [route, f.name, f]));
}
