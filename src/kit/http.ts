/**
 * The one way both steps talk HTTP. Every request gets the same rules whichever way it goes: a per-request timeout
 * clamped to the step's deadline, redirects refused (a 3xx is an error naming the target host, so a JWT or a bearer
 * token is never re-sent elsewhere), a cap on the response body (checked as it arrives: nothing past the cap is
 * buffered), and certificates verified on every TLS connection (`rejectUnauthorized: true` on each, so
 * NODE_TLS_REJECT_UNAUTHORIZED=0 cannot switch it off; NODE_EXTRA_CA_CERTS still adds a corporate CA). One transport,
 * node:http/https (cheap to load), direct or through a CONNECT tunnel when a proxy applies (see docs/security.md for
 * why the tunnel is ours and not undici's ProxyAgent). Failures are the step's own, built through its `HttpWords`.
 */
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { Env, StepFailure } from './failure';
import { Redactor } from './redact';

export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  readonly url: URL;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Names the endpoint in messages: "the audience endpoint of pypi.org", "Rekor (https://rekor.sigstore.dev)". */
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
  readonly userAgent: string;
}

/** How a step words each way a request can fail. */
export interface HttpWords<F extends StepFailure> {
  readonly redirectWhere: { readonly unnamed: string; readonly unparseable: string; readonly sameHost: string };
  isFailure(err: unknown): err is F;
  deadline(target: string): F;
  timeout(target: string, ms: number): F;
  protocol(target: string, detail: string): F;
  hostNotFound(target: string, host: string, detail: string): F;
  network(target: string, detail: string, retryable: boolean): F;
  tls(target: string, detail: string): F;
  tooLarge(target: string, maxBytes: number, status: number): F;
  redirect(target: string, status: number, where: string): F;
  proxyNotAUrl(): F;
  proxyScheme(scheme: string): F;
  proxyRefused(proxyHost: string, status: number, authority: string): F;
  /** The same failure, saying it went through the proxy. */
  viaProxy(failure: F, proxyHost: string): F;
}

export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

export function createHttp<F extends StepFailure>(deps: { env: Env; now: () => number; redactor: Redactor; words: HttpWords<F> },
  limits: HttpLimits): HttpSend {
  const say = deps.words;
  return async (req) => {
    const remaining = limits.deadline - deps.now();
    if (remaining <= 0) throw say.deadline(req.target);
    // clamped to the deadline: when it fires there, the failure is an ordinary timeout and the retry loop, finding no
    // time for another attempt, says that the step's time limit ended the retries
    const timeoutMs = Math.min(limits.requestTimeoutMs, remaining);
    const proxyRaw = proxyFor(req.url, deps.env);
    const proxy = proxyRaw === undefined ? undefined : parseProxyUrl(proxyRaw, say);
    if (proxy?.password) deps.redactor.add(safeDecode(proxy.password));
    const headers = { 'user-agent': limits.userAgent, 'accept': 'application/json', ...req.headers };
    const controller = new AbortController();
    let timedOut: number | undefined;
    const timer = setTimeout(() => {
      timedOut = timeoutMs;
      controller.abort();
    }, timeoutMs);
    let res: RawResponse | undefined;
    try {
      res = await transport({ ...req, headers }, controller.signal, proxy, say);
      if (res.status >= 300 && res.status < 400) throw redirectFailure(res, req, say);
      const body = await readCapped(res, req, limits.maxBodyBytes, say);
      return { status: res.status, headers: firstHeaders(res.headers), body };
    } catch (err) {
      const failure = classify(err, req, timedOut, deps.redactor, say);
      const viaProxy = proxy && ['network', 'host-not-found', 'tls'].includes(failure.code);
      throw viaProxy ? say.viaProxy(failure, proxy.host) : failure;
    } finally {
      clearTimeout(timer);
      res?.dispose();
    }
  };
}

// --- the transport -----------------------------------------------------------------------------------------------

type RawHeaders = Record<string, string | string[] | undefined>;
interface RawResponse {
  readonly status: number;
  readonly headers: RawHeaders;
  readonly body: AsyncIterable<Uint8Array | string>;
  dispose(): void;
}

/** node:https (TLS) costs ~18 ms to load: only paid for when a URL needs it. A plain require, not import(): a
 * dynamic import() would start the ESM loader, which costs more than it saves. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const httpsModule = () => require('node:https') as typeof import('node:https');

async function transport<F extends StepFailure>(req: HttpRequest, signal: AbortSignal, proxy: URL | undefined,
  say: HttpWords<F>): Promise<RawResponse> {
  const tunnel = proxy ? await openTunnel(proxy, req.url, signal, say) : undefined;
  const https = req.url.protocol === 'https:';
  const mod: Pick<typeof http, 'request'> = https ? httpsModule() : http;
  const body = req.body === undefined ? undefined : Buffer.from(req.body);
  const headers = { ...req.headers, ...(body ? { 'content-length': String(body.length) } : {}), connection: 'close' };
  return new Promise((resolve, reject) => {
    const request = mod.request(req.url, {
      method: req.method,
      headers,
      signal,
      ...(https ? { rejectUnauthorized: true } : {}),
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
/** node's codes for a certificate it does not trust (openssl's verify errors, and its own host-name check). */
const TLS_CODES = /^(?:ERR_TLS_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH)/;

function classify<F extends StepFailure>(err: unknown, req: HttpRequest, timedOutAfterMs: number | undefined, redactor: Redactor,
  say: HttpWords<F>): F {
  if (say.isFailure(err)) return err;
  if (timedOutAfterMs !== undefined) return say.timeout(req.target, timedOutAfterMs);
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const detail = redactor.redact(code && !message.includes(code) ? `${code}: ${message}` : message, 200);
  if (code.startsWith('HPE_')) return say.protocol(req.target, detail);
  if (code === 'ENOTFOUND') return say.hostNotFound(req.target, req.url.hostname, detail);
  if (TLS_CODES.test(code)) return say.tls(req.target, detail);
  return say.network(req.target, detail,
    TRANSIENT_CODES.has(code) || /socket hang up|aborted|other side closed|terminated/i.test(message));
}

async function readCapped<F extends StepFailure>(res: RawResponse, req: HttpRequest, maxBytes: number, say: HttpWords<F>): Promise<Buffer> {
  const declared = Number(firstHeaders(res.headers)['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw say.tooLarge(req.target, maxBytes, res.status);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const buf = Buffer.from(chunk);
    total += buf.length;
    if (total > maxBytes) throw say.tooLarge(req.target, maxBytes, res.status);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function redirectFailure<F extends StepFailure>(res: RawResponse, req: HttpRequest, words: HttpWords<F>): F {
  const location = firstHeaders(res.headers).location;
  const say = words.redirectWhere;
  let where = say.unnamed;
  if (location) {
    try {
      const to = new URL(location, req.url);
      where = `${to.protocol}//${to.host}${to.host === req.url.host ? say.sameHost : ''}`;
    } catch {
      where = say.unparseable;
    }
  }
  return words.redirect(req.target, res.status, where);
}

// --- reading an answer ---------------------------------------------------------------------------------------------

/** The body as JSON, or undefined when it is not JSON at all. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One member of a JSON object body; undefined when the body is not a JSON object or lacks it. */
export function jsonMember(body: Buffer, name: string): unknown {
  const parsed = parseJsonBody(body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[name] : undefined;
}

/**
 * A server's own short error text (a JSON body's `message` or `error`, or one line of plain text; never HTML),
 * redacted before it is cut to `max` characters, so a cut cannot leave part of an echoed credential behind.
 */
export function serverSaid(res: HttpResponse, redactor: Redactor, max = 300): string {
  const parsed = parseJsonBody(res.body) as { message?: unknown; error?: unknown } | undefined;
  let text = '';
  if (parsed !== undefined) {
    text = typeof parsed?.message === 'string' ? parsed.message : typeof parsed?.error === 'string' ? parsed.error : '';
  } else if (!/html/i.test(res.headers['content-type'] ?? '')) {
    text = res.body.toString('utf8');
  }
  return redactor.redact(text.replace(/\s+/g, ' ').trim(), max);
}

/** Statuses worth another attempt: the server is overloaded, down, or gave up waiting for us. */
export function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(headers: Record<string, string | undefined>, now: number = Date.now()): number | undefined {
  const v = headers['retry-after']?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A failure for a status that is not the one asked for: retryable when transient, with the server's Retry-After. */
export function unexpectedStatus<F>(res: HttpResponse, make: (retryable: boolean, details: { retryAfterMs?: number }) => F): F {
  return make(isTransientStatus(res.status), { retryAfterMs: retryAfterMs(res.headers) });
}

// --- proxies ---------------------------------------------------------------------------------------------------------
// `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY` for http URLs (lower case wins, as in curl
// and undici), minus the hosts listed in `no_proxy`/`NO_PROXY`. A proxy gets a CONNECT tunnel to the target and the
// ordinary node:http/https request runs over it (TLS to the target for https URLs, verified as usual): node's own
// http, https and tls do the protocol work; only the CONNECT handshake is ours.

function firstSet(env: Env, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** `NO_PROXY` entries: `*`, `host`, `.host`, `*.host`, optionally `:port`; a host matches itself and its subdomains. */
export function bypassesProxy(url: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    let entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, '').replace(/^\*?\./, '');
    if (entryPort !== undefined && entryPort !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}

/** The proxy URL for a request to `url`, or undefined for a direct connection. */
export function proxyFor(url: URL, env: Env): string | undefined {
  const proxy = url.protocol === 'https:' ? firstSet(env, 'https_proxy', 'HTTPS_PROXY') : firstSet(env, 'http_proxy', 'HTTP_PROXY');
  if (!proxy) return undefined;
  if (bypassesProxy(url, firstSet(env, 'no_proxy', 'NO_PROXY'))) return undefined;
  return proxy;
}

/** Percent-decoding of proxy URL credentials that never throws on a stray `%`. */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Validates the proxy URL from the environment (never echoing its credentials). */
function parseProxyUrl<F extends StepFailure>(raw: string, say: HttpWords<F>): URL {
  let url: URL;
  try {
    url = new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw say.proxyNotAUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw say.proxyScheme(url.protocol.replace(/:$/, ''));
  return url;
}

/** Opens `CONNECT host:port` through the proxy and resolves with the tunnelled socket. */
function openTunnel<F extends StepFailure>(proxy: URL, target: URL, signal: AbortSignal, say: HttpWords<F>): Promise<Socket> {
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const authority = `${target.hostname}:${port}`;
  const headers: Record<string, string> = { host: authority };
  if (proxy.username || proxy.password) {
    const credentials = `${safeDecode(proxy.username)}:${safeDecode(proxy.password)}`;
    headers['proxy-authorization'] = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  const https = proxy.protocol === 'https:';
  const mod: Pick<typeof http, 'request'> = https ? httpsModule() : http;
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ''),
      port: proxy.port || (https ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      headers,
      signal,
      agent: false,
      ...(https ? { rejectUnauthorized: true } : {}),
    });
    req.on('connect', (res: http.IncomingMessage, socket: Socket) => {
      if (res.statusCode === 200) {
        // errors surface through the request that uses the tunnel; this keeps a late one from becoming uncaught
        socket.on('error', () => undefined);
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(say.proxyRefused(proxy.host, res.statusCode ?? 0, authority));
    });
    req.on('error', reject);
    req.end();
  });
}

const isIpLiteral = (host: string) => /^[\d.]+$/.test(host) || host.includes(':');

/** `createConnection` for node:http/https: the tunnel itself for http, TLS to the target over it for https. */
function connectionOver(socket: Socket, target: URL): () => Socket {
  return () => {
    if (target.protocol !== 'https:') return socket;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tls = require('node:tls') as typeof import('node:tls');
    const host = target.hostname.replace(/^\[|\]$/g, '');
    return tls.connect({
      socket, host, servername: isIpLiteral(host) ? undefined : host, ALPNProtocols: ['http/1.1'], rejectUnauthorized: true,
    });
  };
}
