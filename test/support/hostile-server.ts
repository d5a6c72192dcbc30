/**
 * A scriptable stand-in for the three servers the mint action talks to (index audience, GitHub OIDC token endpoint,
 * index mint-token), on loopback, over http or https. The emulator plays PyPI faithfully; this server is for
 * answers a faithful PyPI never gives: `script(route, fn)` answers every request of a route from a function of the
 * request (the fuzzers' hook, which can echo back what was sent), and its OIDC endpoint hands out JWT-shaped strings
 * for any audience asked for, signed by nobody. Faults are the emulator's: the same `Fault` vocabulary, played by
 * the emulator's own `applyFault` (raw bytes, resets, stalls, unannounced bodies), queued with `inject(route, ...)`.
 * By default it answers like a well-mannered PyPI + GitHub pair, with the emulator's default runner claims.
 *
 * It also serves as a plain recorder (the "other host" a redirect points to): every request is logged, headers and
 * body included, so a test can assert that nobody sent it anything, least of all a JWT.
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Fault, Route } from '../../src/emulator';
import { applyFault } from '../../src/emulator/faults';
import { defaultRunnerClaims, subjectOf } from '../../src/emulator/github-oidc/runner-claims';

/** The emulator's names for the action's three endpoints, plus `other`: any other path (the recorder). */
export type HostileRoute = Extract<Route, 'audience' | 'oidc-token' | 'mint-token'> | 'other';

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

export type ScriptedAnswer = (req: RecordedRequest) => Fault | undefined;

export interface HostileServer {
  /** `http(s)://127.0.0.1:PORT`, no trailing slash */
  readonly url: string;
  readonly port: number;
  /** the request token the OIDC endpoint requires as a bearer */
  readonly requestToken: string;
  /** `url + '/oidc/token?api-version=2.0'`, the value for ACTIONS_ID_TOKEN_REQUEST_URL */
  readonly oidcRequestUrl: string;
  /** queue the next answers of `route`; a fault with only delays slows the normal answer down */
  inject(route: HostileRoute, ...faults: Fault[]): void;
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

/** The emulator's default runner claims (a tag push in octo-org/demo), as a token for `aud` would carry them. */
export function runnerClaims(aud: string, nowSeconds = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  const claims = defaultRunnerClaims();
  return {
    ...claims,
    iss: 'https://token.actions.githubusercontent.com',
    aud,
    sub: subjectOf({ ...claims }),
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
  const queued = new Map<HostileRoute, Fault[]>();
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

  const normal = (rec: RecordedRequest): Fault => {
    const json = (status: number, value: unknown): Fault =>
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
      applyFault(effective, req, res).catch(() => req.socket.destroy());
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

const isTimingOnly = (f: Fault) =>
  f.status === undefined && f.body === undefined && f.raw === undefined && f.reset === undefined && f.headers === undefined;
