/**
 * A loopback stand-in in front of the emulator's Sigstore listener that forwards every request and lets a test
 * change what goes either way: the request body (a Fulcio request carrying another job's token), the answer (a
 * trusted root without the CA, a Rekor entry with a broken timestamp or proof), or answer itself without forwarding
 * (a redirect, an endless body). What the emulator never does on its own, a hostile or broken Sigstore might.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface TamperHooks {
  /** Rewrite a request body before it is forwarded. */
  request?(path: string, body: Buffer): Promise<Buffer> | Buffer;
  /** Rewrite the upstream answer before it is returned. */
  response?(path: string, answer: Answer): Promise<Answer> | Answer;
  /** Answer without forwarding (given the request body): return true when `res` was handled. */
  answer?(path: string, body: Buffer, res: http.ServerResponse): boolean;
}

export interface TamperProxy {
  readonly url: string;
  /** Paths requested through the proxy, in order (method and path). */
  readonly seen: string[];
  hooks: TamperHooks;
  close(): Promise<void>;
}

export async function startTamperProxy(upstream: string): Promise<TamperProxy> {
  const target = new URL(upstream);
  const sockets = new Set<Socket>();
  const proxy: TamperProxy = { url: '', seen: [], hooks: {}, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    proxy.seen.push(`${req.method} ${path}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let body: Buffer = Buffer.concat(chunks);
        if (proxy.hooks.answer?.(path, body, res)) return;
        if (proxy.hooks.request) body = await proxy.hooks.request(path, body);
        const upstreamAnswer = await forward(target, req, path, body);
        const answer = proxy.hooks.response ? await proxy.hooks.response(path, upstreamAnswer) : upstreamAnswer;
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
        res.end(answer.body);
      })().catch(() => res.destroy());
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  });
  return proxy;
}

function forward(target: URL, req: http.IncomingMessage, path: string, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'host': target.host, 'content-length': String(body.length) };
    const out = http.request({ host: target.hostname, port: target.port, method: req.method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string' && k !== 'content-length' && k !== 'transfer-encoding') h[k] = v;
        resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}
