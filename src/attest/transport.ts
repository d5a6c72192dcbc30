/**
 * One way to talk to GitHub's OIDC endpoint, Fulcio and Rekor: make-fetch-happen, the transport @sigstore/sign
 * itself uses (so the proxy settings it reads from the environment, https_proxy / no_proxy, apply to all three).
 * Redirects are never followed: the OIDC request carries the runner's request token and the Fulcio request the
 * job's OIDC token, and neither may be replayed to another location. Every request is bounded by its own timer and
 * by the step's deadline, whatever the socket does.
 */
// bundled into attest/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import fetch from 'make-fetch-happen';
import { AttestFailure } from './failure';

/** Fulcio's and Rekor's answers are a few kilobytes; a megabyte is garbage. */
const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRequest {
  /** For messages: "GitHub's OIDC token endpoint", "Fulcio", "Rekor". */
  readonly service: string;
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface HttpReply {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export type Send = (request: HttpRequest) => Promise<HttpReply>;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function createTransport(requestTimeoutMs: number, deadline: number): Send {
  return async (request) => {
    const budget = Math.min(requestTimeoutMs, deadline - Date.now());
    if (budget <= 0) throw new AttestFailure('sigstore', 'Time limit reached', `No time was left to ask ${request.service}.`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AttestFailure('sigstore', `${request.service} did not answer`,
        `${request.service} did not answer within ${seconds(budget)}.`, true)), budget);
    });
    const exchange = (async () => {
      const res = await fetch(request.url, {
        method: request.method,
        headers: { 'user-agent': 'projen-pypi-mint-attest', ...request.headers },
        body: request.body,
        redirect: 'manual',
        retry: false,
        cache: 'no-store',
        timeout: budget,
      });
      if (res.status >= 300 && res.status < 400) {
        throw new AttestFailure('sigstore', `${request.service} redirected`,
          `${request.service} answered HTTP ${res.status} (a redirect). The step does not follow redirects: the ` +
          'request carries a credential that must not reach another location. Point the step at the final URL.');
      }
      return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await readCapped(res, request.service) };
    })();
    try {
      return await Promise.race([exchange, timeout]);
    } catch (err) {
      throw asTransportFailure(request.service, err);
    } finally {
      clearTimeout(timer);
      exchange.catch(() => undefined); // a late failure of an abandoned request is of no interest
    }
  };
}

/** The body, refused past MAX_BODY_BYTES (make-fetch-happen's own `size` option is an expected size, not a cap). */
async function readCapped(res: fetch.FetchResponse, service: string): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    total += b.length;
    if (total > MAX_BODY_BYTES) {
      res.body.destroy?.();
      throw new AttestFailure('sigstore', `Unusable answer from ${service}`,
        `${service} answered with more than ${MAX_BODY_BYTES / 1024} KiB; that is not a Sigstore answer.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** make-fetch-happen's and Node's errors, by code: never their messages, which may quote request data. */
function asTransportFailure(service: string, err: unknown): AttestFailure {
  if (err instanceof AttestFailure) return err;
  const e = err as { code?: unknown; type?: unknown };
  const code = typeof e?.code === 'string' ? e.code : typeof e?.type === 'string' ? e.type : 'unknown error';
  const timedOut = /timeout/i.test(String(e?.type)) || /TIMEDOUT|TIMEOUT/.test(code);
  return new AttestFailure('sigstore', timedOut ? `${service} did not answer` : `Could not reach ${service}`,
    timedOut ? `${service} did not answer in time (${code}).` : `The connection to ${service} failed (${code}).`, true);
}

/** An answer with an unexpected status: 408, 429 and 5xx are worth another attempt, anything else is final. */
export function statusFailure(reply: HttpReply, service: string, title: string, meaning: string): AttestFailure {
  const retryable = reply.status === 408 || reply.status === 429 || reply.status >= 500;
  const said = serverMessage(reply);
  return new AttestFailure('sigstore', title,
    `${service} answered HTTP ${reply.status}${said ? `: ${said}` : ''}. ${meaning}`, retryable);
}

/** The `message` (or `error`) of a JSON error body, or a short line of plain text; quoted, never trusted. */
function serverMessage(reply: HttpReply): string {
  let text = reply.text;
  try {
    const json = JSON.parse(reply.text) as { message?: unknown; error?: unknown };
    text = typeof json.message === 'string' ? json.message : typeof json.error === 'string' ? json.error : '';
  } catch {
    if (/html/i.test(reply.contentType)) text = '';
  }
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** A JSON body, or a failure naming the service: an answer that is not JSON is garbage, not worth retrying. */
export function jsonBody(reply: HttpReply, service: string): unknown {
  try {
    return JSON.parse(reply.text);
  } catch {
    throw new AttestFailure('sigstore', `Unusable answer from ${service}`,
      `${service} answered HTTP ${reply.status} with a body that is not JSON.`);
  }
}
