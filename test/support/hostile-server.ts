/**
 * A scriptable stand-in for the three servers the mint action talks to (index audience, GitHub OIDC token endpoint,
 * index mint-token), on loopback, over http or https. By default it behaves like a well-mannered PyPI + GitHub pair,
 * so a test can break exactly one answer: `inject(route, ...faults)` replaces the NEXT answers of a route (the same
 * vocabulary as the emulator's faults), `script(route, fn)` answers every request of a route from a function (the
 * fuzzer's hook). Faults include what the emulator cannot do by construction: raw bytes on the socket, a JWT whose
 * `aud` differs from what was asked, a token not starting `pypi-`.
 *
 * It also serves as a plain recorder (the "other host" a redirect points to): every request is logged, headers and
 * body included, so a test can assert that nobody sent it anything, least of all a JWT.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export type HostileRoute = 'audience' | 'oidc-token' | 'mint-token' | 'other';

/** One answer. Fields combine: `delayMs`, then `reset`/`raw`, else status + headers, then (after `bodyDelayMs`) body. */
export interface HostileFault {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** wait before answering at all (slow headers) */
  readonly delayMs?: number;
  /** send status and headers, then stall this long before the body (slow body) */
  readonly bodyDelayMs?: number;
  /** drop the connection before any byte, or after half of the body */
  readonly reset?: 'before-headers' | 'mid-body';
  /** bytes written to the socket as they are (malformed HTTP), then the socket is closed */
  readonly raw?: string | Buffer;
}

export interface RecordedRequest {
  readonly route: HostileRoute;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly at: number;
}

export interface HostileServerOptions {
  /** serve https with this key pair instead of http */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** the audience `/_/oidc/audience` announces (default `pypi`) */
  readonly audience?: string;
  /** called with every JWT and token the server issues (wire it to the leak scanner) */
  readonly onSecret?: (secret: string) => void;
}

export type ScriptedAnswer = (req: RecordedRequest) => HostileFault | undefined;

export interface HostileServer {
  /** `http(s)://127.0.0.1:PORT`, no trailing slash */
  readonly url: string;
  readonly port: number;
  /** the request token the OIDC endpoint requires as a bearer */
  readonly requestToken: string;
  /** `url + '/oidc/token?api-version=2.0'`, the value for ACTIONS_ID_TOKEN_REQUEST_URL */
  readonly oidcRequestUrl: string;
  inject(route: HostileRoute, ...faults: HostileFault[]): void;
  /** answer every request of `route` from `fn` (undefined = normal behaviour); `undefined` fn removes the script */
  script(route: HostileRoute, fn: ScriptedAnswer | undefined): void;
  clear(): void;
  requests(route?: HostileRoute): RecordedRequest[];
  /** the JWTs and tokens issued so far */
  issued(): string[];
  close(): Promise<void>;
}

const routeOf = (path: string): HostileRoute => {
  if (path === '/_/oidc/audience') return 'audience';
  if (path === '/_/oidc/mint-token' || path === '/_/oidc/github/mint-token') return 'mint-token';
  if (path === '/oidc/token') return 'oidc-token';
  return 'other';
};

/** A JWT-shaped string with the claims a GitHub runner's token has; the signature is random (nobody verifies it). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'hostile' })}.${part(claims)}.${randomBytes(256).toString('base64url')}`;
}

/** Claims like those of a push on a tag in octo-org/demo, for the given audience. */
export function runnerClaims(aud: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return {
    iss: 'https://token.actions.githubusercontent.com',
    aud,
    sub: 'repo:octo-org/demo:ref:refs/tags/v1.0.0',
    repository: 'octo-org/demo',
    repository_owner: 'octo-org',
    repository_owner_id: '1001',
    repository_id: '2002',
    ref: 'refs/tags/v1.0.0',
    sha: 'a'.repeat(40),
    event_name: 'push',
    actor: 'octocat',
    run_id: '7',
    workflow_ref: 'octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0',
    job_workflow_ref: 'octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0',
    jti: randomBytes(12).toString('hex'),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + 300,
  };
}

/** A PyPI-macaroon-shaped token, as long as real ones (~180 chars) so the shape scanner would see it. */
export function fakePypiToken(): string {
  return `pypi-${randomBytes(135).toString('base64url')}`;
}

export async function startHostileServer(options: HostileServerOptions = {}): Promise<HostileServer> {
  const queued = new Map<HostileRoute, HostileFault[]>();
  const scripts = new Map<HostileRoute, ScriptedAnswer>();
  const log: RecordedRequest[] = [];
  const issued: string[] = [];
  const sockets = new Set<Socket>();
  const requestToken = `hostile-request-${randomBytes(24).toString('hex')}`;
  const issue = (secret: string) => {
    issued.push(secret);
    options.onSecret?.(secret);
    return secret;
  };

  const normal = (rec: RecordedRequest): HostileFault => {
    const json = (status: number, value: unknown): HostileFault =>
      ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });
    switch (rec.route) {
      case 'audience':
        return json(200, { audience: options.audience ?? 'pypi' });
      case 'oidc-token': {
        if (rec.headers.authorization !== `bearer ${requestToken}` && rec.headers.authorization !== `Bearer ${requestToken}`) {
          return json(401, { message: 'bad request token' });
        }
        const aud = new URL(rec.url, 'http://x').searchParams.get('audience') ?? 'sigstore';
        return json(200, { count: 1, value: issue(fakeJwt(runnerClaims(aud))) });
      }
      case 'mint-token': {
        const expires = Math.floor(Date.now() / 1000) + 900;
        return json(200, { success: true, token: issue(fakePypiToken()), expires });
      }
      default:
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'recorded' };
    }
  };

  const answer = async (req: http.IncomingMessage, res: http.ServerResponse, f: HostileFault) => {
    const socket = req.socket;
    if (f.delayMs) await sleep(f.delayMs);
    if (socket.destroyed) return;
    if (f.raw !== undefined) {
      socket.end(f.raw);
      return;
    }
    if (f.reset === 'before-headers') {
      socket.destroy();
      return;
    }
    const body = f.body === undefined ? Buffer.alloc(0) : Buffer.from(f.body);
    const headers: Record<string, string> = { 'content-length': String(body.length), ...f.headers };
    // `content-length: ''` in a fault means "none": the body goes out chunked, its size unannounced
    if (headers['content-length'] === '') delete headers['content-length'];
    try {
      res.writeHead(f.status ?? 200, headers);
    } catch {
      // a generated header the http module refuses (bad characters): answer with a bare 500 instead
      res.writeHead(500, { 'content-length': '0' });
      res.end();
      return;
    }
    if (f.bodyDelayMs || f.reset === 'mid-body') res.flushHeaders();
    if (f.bodyDelayMs) await sleep(f.bodyDelayMs);
    if (f.reset === 'mid-body') {
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
      setTimeout(() => socket.destroy(), 5);
      return;
    }
    if (!socket.destroyed) res.end(body);
  };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const rec: RecordedRequest = {
        route: routeOf(path),
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      log.push(rec);
      const fault = queued.get(rec.route)?.shift() ?? scripts.get(rec.route)?.(rec) ?? normal(rec);
      // a fault that only slows things down slows down the normal answer
      const effective = isTimingOnly(fault) ? { ...normal(rec), delayMs: fault.delayMs, bodyDelayMs: fault.bodyDelayMs } : fault;
      answer(req, res, effective).catch(() => req.socket.destroy());
    });
  };

  const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 1000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;

  return {
    url,
    port,
    requestToken,
    oidcRequestUrl: `${url}/oidc/token?api-version=2.0`,
    inject: (route, ...faults) => queued.set(route, [...(queued.get(route) ?? []), ...faults]),
    script: (route, fn) => (fn ? scripts.set(route, fn) : scripts.delete(route)),
    clear: () => {
      queued.clear();
      scripts.clear();
      log.length = 0;
    },
    requests: (route) => log.filter((r) => route === undefined || r.route === route),
    issued: () => [...issued],
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const isTimingOnly = (f: HostileFault) =>
  f.status === undefined && f.body === undefined && f.raw === undefined && f.reset === undefined && f.headers === undefined;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
