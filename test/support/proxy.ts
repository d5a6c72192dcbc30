/**
 * A real forward proxy on loopback, the kind a self-hosted runner sits behind: it tunnels `CONNECT host:port`
 * (what clients use for https, and what undici's ProxyAgent uses for everything) and forwards absolute-URI requests
 * (`GET http://host/path`, what plain http clients send to an HTTP_PROXY). It records every target it was asked for,
 * so a test can assert the action went through it, or did not.
 *
 * `resolve` maps hostnames to loopback addresses the way DNS would on a real network, so a test can use a name like
 * `pypi.test` that only the proxy can reach: then a request that bypasses the proxy cannot succeed by accident. A
 * `host:port` key maps that one target to an `address:port` (`upload.pypi.org:443` -> a loopback TLS server). The
 * proxy never leaves loopback: a target that does not resolve to a loopback address is refused with 403.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedTarget {
  readonly kind: 'connect' | 'forward';
  /** `host:port` as the client asked for it */
  readonly target: string;
  /** the Proxy-Authorization header, if the client sent one (a test asserts no secret travels there) */
  readonly proxyAuthorization?: string;
}

export interface TestProxy {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly seen: ProxiedTarget[];
  close(): Promise<void>;
}

const isLoopback = (address: string) => /^127\./.test(address) || address === '::1' || address === 'localhost';

export async function startProxy(resolve: Record<string, string> = {}): Promise<TestProxy> {
  const seen: ProxiedTarget[] = [];
  const sockets = new Set<net.Socket>();
  /** Where `host:port` really is, or undefined when that is off loopback. */
  const lookup = (host: string, port: number): { host: string; port: number } | undefined => {
    const exact = resolve[`${host}:${port}`.toLowerCase()];
    const colon = exact?.lastIndexOf(':') ?? -1;
    const to = exact !== undefined ? { host: exact.slice(0, colon), port: Number(exact.slice(colon + 1)) }
      : { host: resolve[host.toLowerCase()] ?? host, port };
    return isLoopback(to.host) ? to : undefined;
  };

  const server = http.createServer((req, res) => {
    // absolute-URI request: forward it to the origin, stream the answer back
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute URI required');
      return;
    }
    seen.push({ kind: 'forward', target: target.host, proxyAuthorization: req.headers['proxy-authorization'] });
    const to = lookup(target.hostname.replace(/^\[|\]$/g, ''), Number(target.port || 80));
    if (to === undefined) {
      res.writeHead(403).end('off loopback');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request(
      { host: to.host, port: to.port, method: req.method, path: target.pathname + target.search, headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });

  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    seen.push({ kind: 'connect', target, proxyAuthorization: req.headers['proxy-authorization'] });
    const colon = target.lastIndexOf(':');
    const to = lookup(target.slice(0, colon).replace(/^\[|\]$/g, ''), Number(target.slice(colon + 1)));
    if (to === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(to.port, to.host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    const drop = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', () => {
      if (!client.destroyed) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    client.on('error', drop);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
