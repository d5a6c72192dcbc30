/**
 * The small HTTP plumbing both listeners share: a server that logs each request, plays injected faults, and
 * turns a thrown error into a 500; plus JSON answers, capped body reading and PyPI-style reason phrases.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from './clock';
import { applyFault, type FaultQueue } from './faults';
import type { RequestRecord, Route } from './types';

export type Handler = (route: Route, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

export interface ServerContext {
  readonly clock: Clock;
  readonly faults: FaultQueue;
  readonly log: RequestRecord[];
}

/** An HTTP server whose requests are routed by `routeOf`; unknown paths answer 404. */
export function createRoutedServer(ctx: ServerContext, routeOf: (method: string, path: string) => Route | undefined, handle: Handler): Server {
  return createServer((req, res) => {
    void serve(ctx, routeOf, handle, req, res);
  });
}

async function serve(ctx: ServerContext, routeOf: (m: string, p: string) => Route | undefined, handle: Handler,
  req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator.invalid');
  const route = routeOf(req.method ?? 'GET', url.pathname);
  try {
    if (route === undefined) {
      req.resume();
      sendText(res, 404, 'Not Found', '404 Not Found');
      return;
    }
    ctx.log.push({ route, method: req.method ?? 'GET', url: req.url ?? '/', at: ctx.clock.now(), accept: req.headers.accept });
    const fault = ctx.faults.next(route);
    if (fault && (await applyFault(fault, req, res))) return;
    await handle(route, req, res, url);
  } catch {
    // Never echo the error: it could quote a request body that holds a JWT.
    if (!res.headersSent) sendText(res, 500, 'Internal Server Error', 'internal emulator error');
    else res.destroy();
  }
}

export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** PyPI puts error text in the status line; it must be latin-1 without control characters. */
export function reasonPhrase(text: string): string {
  return text.replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
}

export function sendJson(res: ServerResponse, status: number, body: unknown, reason?: string): void {
  const data = Buffer.from(JSON.stringify(body));
  res.writeHead(status, reason === undefined ? undefined : reasonPhrase(reason), {
    'content-type': 'application/json',
    'content-length': String(data.length),
    'cache-control': 'no-store',
  });
  res.end(data);
}

export function sendText(res: ServerResponse, status: number, reason: string, body: string, contentType = 'text/plain; charset=utf-8'): void {
  const data = Buffer.from(body);
  res.writeHead(status, reasonPhrase(reason), { 'content-type': contentType, 'content-length': String(data.length) });
  res.end(data);
}

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/** Read a whole request body, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
