/**
 * Which proxy, if any, a request goes through: `https_proxy`/`HTTPS_PROXY` for https URLs, `http_proxy`/`HTTP_PROXY`
 * for http URLs (lower case wins, as in curl and undici), minus the hosts listed in `no_proxy`/`NO_PROXY`. Deciding
 * here, before any import, keeps undici (tens of milliseconds to load) off the direct path.
 */

type Env = Record<string, string | undefined>;

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
  const proxy = url.protocol === 'https:'
    ? firstSet(env, 'https_proxy', 'HTTPS_PROXY')
    : firstSet(env, 'http_proxy', 'HTTP_PROXY');
  if (!proxy) return undefined;
  if (bypassesProxy(url, firstSet(env, 'no_proxy', 'NO_PROXY'))) return undefined;
  return proxy;
}
