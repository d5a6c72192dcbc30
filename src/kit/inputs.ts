/**
 * Step inputs as the runner passes them (`with:` values as `INPUT_<NAME>`, the name upper-cased with its hyphen
 * kept; the underscore spelling is accepted too, as pypa's action does) and the rule for every URL a step sends a
 * credential to: absolute, plain ASCII, no user or password, https, or plain http only for a loopback host (a real
 * 127.0.0.0/8 address, ::1 or localhost, never a name like `127.evil.example`).
 */
import type { Env } from './failure';

export function readInput(env: Env, name: string): string {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput reads them; undefined when it is neither. */
export function readBooleanInput(env: Env, name: string, fallback: boolean): boolean | undefined {
  const raw = readInput(env, name);
  if (raw === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(raw)) return true;
  if (['false', 'False', 'FALSE'].includes(raw)) return false;
  return undefined;
}

/** 127.0.0.0/8, ::1 and localhost: the only hosts allowed over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}

export const MAX_URL_LENGTH = 2048;

/** How a step words each way a URL can be refused (`what` names the input or variable). */
export interface UrlWords {
  tooLong(what: string, length: number, max: number): string;
  controlCharacters(what: string): string;
  nonAscii(what: string): string;
  notAbsolute(what: string, raw: string): string;
  credentials(what: string): string;
  plainHttp(what: string, host: string): string;
  scheme(what: string, scheme: string): string;
}

/** Every URL a step sends a credential to passes here; `fail` turns a sentence into the step's failure. */
export function requireSecureUrl<F>(raw: string, what: string, fail: (message: string) => F, say: UrlWords): URL {
  if (raw.length > MAX_URL_LENGTH) throw fail(say.tooLong(what, raw.length, MAX_URL_LENGTH));
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) throw fail(say.controlCharacters(what));
  // WHATWG URL parsing maps full-width digits and some look-alikes onto ASCII (`１２７.０.０.１` is 127.0.0.1), and
  // IDN hosts can imitate others: only plain ASCII is taken as given.
  if (/[^\x21-\x7e]/.test(raw)) throw fail(say.nonAscii(what));
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail(say.notAbsolute(what, raw));
  }
  if (url.username || url.password) throw fail(say.credentials(what));
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) throw fail(say.plainHttp(what, url.hostname));
  } else if (url.protocol !== 'https:') {
    throw fail(say.scheme(what, url.protocol.replace(/:$/, '')));
  }
  return url;
}
