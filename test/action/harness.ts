/**
 * Shared pieces of the action's tests: the env that points the bundled action at an emulator, decoding of the
 * workflow commands it prints, the step summary as GitHub-flavoured Markdown, and a tiny CONNECT proxy that sends `host:443` wherever a test wants (so the
 * action's default index URL, https://upload.pypi.org/legacy/, can be served on loopback).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import MarkdownIt from 'markdown-it';
import type { Emulator } from '../../src/emulator';

/** The two variables a runner sets when the job has `id-token: write`, pointing at the emulator's issuer. */
export function oidcEnv(emu: Emulator): Record<string, string> {
  return { ACTIONS_ID_TOKEN_REQUEST_URL: emu.oidc.requestUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: emu.oidc.requestToken };
}

function decodeCommandData(s: string): string {
  return s.replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%');
}

export interface Annotation {
  readonly kind: string;
  readonly title?: string;
  readonly message: string;
}

/** `::error title=...::message` lines of stdout, decoded. */
export function annotations(stdout: string, kind?: 'error' | 'warning' | 'notice'): Annotation[] {
  const out: Annotation[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m || (kind && m[1] !== kind)) continue;
    const title = /(?:^|,)title=([^,]*)/.exec(m[2] ?? '')?.[1];
    out.push({
      kind: m[1],
      title: title === undefined ? undefined : decodeCommandData(title).replace(/%3A/g, ':').replace(/%2C/g, ','),
      message: decodeCommandData(m[3]),
    });
  }
  return out;
}

/** The values registered with `::add-mask::`, in order. */
export function maskedValues(stdout: string): string[] {
  return stdout.split(/\r?\n/).filter((l) => l.startsWith('::add-mask::')).map((l) => decodeCommandData(l.slice(12)));
}

/** The one error annotation a failed run must print. */
export function theError(stdout: string): Annotation {
  const errors = annotations(stdout, 'error');
  if (errors.length !== 1) throw new Error(`expected exactly one ::error, got ${errors.length}`);
  return errors[0];
}

export interface RoutingProxy {
  readonly url: string;
  /** `host:port` targets asked for with CONNECT */
  readonly connects: string[];
  close(): Promise<void>;
}

/** A CONNECT proxy that tunnels `host:port` to the loopback port `routes[host:port]`, and refuses anything else. */
export async function startRoutingProxy(routes: Record<string, number>): Promise<RoutingProxy> {
  const connects: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = (req.url ?? '').toLowerCase();
    connects.push(target);
    sockets.add(client);
    const port = routes[target];
    if (port === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connects,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


/** GitHub-flavoured Markdown as the step summary is read: raw HTML, tables, strikethrough and bare-URL links. */
const gfm = new MarkdownIt({ html: true, linkify: true });

/**
 * The parts of a Markdown document where `needle` (a marker planted in server text) would render as something other
 * than literal code: text (which GitHub turns into mentions and links), links, images, emphasis, HTML. Code spans and
 * code blocks are the only places server text may sit.
 */
export function liveServerText(markdown: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (tokens: ReturnType<typeof gfm.parse>) => {
    for (const t of tokens) {
      if (t.children) {
        walk(t.children);
        continue;
      }
      if (t.type === 'code_inline' || t.type === 'fence' || t.type === 'code_block') continue;
      if (t.content.includes(needle) || (t.attrs ?? []).some(([, v]) => v.includes(needle))) found.push(`${t.type}: ${t.content.slice(0, 80)}`);
    }
  };
  walk(gfm.parse(markdown, {}));
  return found;
}
