/**
 * The one way the action talks HTTP. Every request gets the same rules whichever transport carries it:
 * a per-request timeout clamped to the overall deadline, redirects refused (a 3xx is an error naming the target
 * host, so a JWT or a bearer token is never re-sent elsewhere), and a cap on the response body.
 * One transport, node:http/https (cheap to load), direct or through a CONNECT tunnel when a proxy applies.
 */
import * as http from 'node:http';
import { ActionFailure } from './errors';
import { proxyFor } from './proxy';
import { connectionOver, openTunnel, parseProxyUrl, safeDecode } from './proxy-tunnel';
import { Redactor } from './redact';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Names the endpoint in messages: "the audience endpoint of pypi.org". */
  readonly target: string;
}

export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names, first value only. */
  readonly headers: Record<string, string | undefined>;
  readonly body: Buffer;
}

export interface HttpLimits {
  readonly requestTimeoutMs: number;
  /** Absolute time (ms since epoch) after which no request may run. */
  readonly deadline: number;
  readonly maxBodyBytes: number;
}

export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

type RawHeaders = Record<string, string | string[] | undefined>;
interface RawResponse {
  readonly status: number;
  readonly headers: RawHeaders;
  readonly body: AsyncIterable<Uint8Array | string>;
  dispose(): void;
}

export const USER_AGENT = 'projen-pypi-mint (trusted publishing mint action)';

async function nodeTransport(req: HttpRequest, signal: AbortSignal, proxy: URL | undefined): Promise<RawResponse> {
  const tunnel = proxy ? await openTunnel(proxy, req.url, signal) : undefined;
  // node:https (TLS) costs ~18 ms to load: only pay for it when the URL needs it
  // (a plain require: a dynamic import() would start the ESM loader, which costs more than it saves)
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod: Pick<typeof http, 'request'> = req.url.protocol === 'https:' ? require('node:https') as typeof import('node:https') : http;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers = { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}), connection: 'close' };
  return new Promise((resolve, reject) => {
    const request = mod.request(req.url, {
      method: req.method,
      headers,
      signal,
      // Through a tunnel: no agent at all, or node would ignore createConnection and dial the target itself.
      ...(tunnel ? { createConnection: connectionOver(tunnel, req.url) } : { agent: false }),
    }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        dispose: () => {
          res.destroy();
          // a tunnel outlives the response unless closed: the proxy keeps its side open
          tunnel?.destroy();
        },
      });
    });
    request.on('error', (err) => {
      tunnel?.destroy();
      reject(err);
    });
    request.end(body);
  });
}

function firstHeaders(raw: RawHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  return out;
}

function errorCode(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return '';
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED',
  'ENETUNREACH', 'EHOSTUNREACH']);

function classify(err: unknown, req: HttpRequest, timedOutAfterMs: number | undefined, redactor: Redactor): ActionFailure {
  if (err instanceof ActionFailure) return err;
  if (timedOutAfterMs !== undefined) {
    return new ActionFailure('timeout', 'Request timed out',
      `${req.target} did not answer within ${(timedOutAfterMs / 1000).toFixed(1)} s.`, { retryable: true });
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const detail = redactor.redact(code && !message.includes(code) ? `${code}: ${message}` : message, 200);
  if (code.startsWith('HPE_')) {
    return new ActionFailure('protocol-error', 'Malformed HTTP response',
      `${req.target} sent a response that is not valid HTTP (${detail}).`);
  }
  if (code === 'ENOTFOUND') {
    return new ActionFailure('network', 'Host not found', `${req.target}: the host name ${req.url.hostname} does not resolve (${detail}).`);
  }
  return new ActionFailure('network', 'Network error', `The connection to ${req.target} failed (${detail}).`,
    { retryable: TRANSIENT_CODES.has(code) || /socket hang up|aborted|other side closed|terminated/i.test(message) });
}

async function readCapped(res: RawResponse, req: HttpRequest, maxBytes: number): Promise<Buffer> {
  const declared = Number(firstHeaders(res.headers)['content-length']);
  const tooLarge = () => new ActionFailure('response-too-large', 'Response too large',
    `${req.target} sent more than ${Math.round(maxBytes / 1024)} KiB; the action reads at most that much and stopped.`,
    { status: res.status });
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += buf.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function redirectFailure(res: RawResponse, req: HttpRequest): ActionFailure {
  const location = firstHeaders(res.headers).location;
  let where = 'an unnamed location';
  if (location) {
    try {
      const to = new URL(location, req.url);
      where = to.host === req.url.host ? `${to.protocol}//${to.host} (same host)` : `${to.protocol}//${to.host}`;
    } catch {
      where = 'an unparseable location';
    }
  }
  return new ActionFailure('redirect-refused', 'Redirect refused',
    `${req.target} answered ${res.status}, a redirect to ${where}. The action never follows redirects, so a ` +
    'credential cannot be re-sent to another place; point index-url at the final address.', { status: res.status });
}

export function createHttp(env: Record<string, string | undefined>, limits: HttpLimits, redactor: Redactor,
  now: () => number = Date.now): HttpSend {
  return async (req) => {
    const remaining = limits.deadline - now();
    if (remaining <= 0) {
      throw new ActionFailure('deadline-exceeded', 'Out of time', `No time left to contact ${req.target}.`);
    }
    const timeoutMs = Math.min(limits.requestTimeoutMs, remaining);
    const proxyRaw = proxyFor(req.url, env);
    const proxy = proxyRaw === undefined ? undefined : parseProxyUrl(proxyRaw);
    if (proxy?.password) redactor.add(safeDecode(proxy.password));
    const headers = { 'user-agent': USER_AGENT, 'accept': 'application/json', ...req.headers };
    const controller = new AbortController();
    let timedOut: number | undefined;
    const timer = setTimeout(() => {
      timedOut = timeoutMs;
      controller.abort();
    }, timeoutMs);
    let res: RawResponse | undefined;
    try {
      res = await nodeTransport({ ...req, headers }, controller.signal, proxy);
      if (res.status >= 300 && res.status < 400) throw redirectFailure(res, req);
      const body = await readCapped(res, req, limits.maxBodyBytes);
      return { status: res.status, headers: firstHeaders(res.headers), body };
    } catch (err) {
      const failure = classify(err, req, timedOut, redactor);
      if (!proxy || failure.code !== 'network' || failure.title === 'The proxy refused the connection') throw failure;
      throw new ActionFailure(failure.code, failure.title, `${failure.message} (through the proxy ${proxy.host})`, {
        retryable: failure.retryable, status: failure.status,
      });
    } finally {
      clearTimeout(timer);
      res?.dispose();
    }
  };
}
