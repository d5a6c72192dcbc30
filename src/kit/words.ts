/**
 * The sentences both steps say in the same words: what the kit's transport, its OIDC request and its URL rules
 * report, and why the retries stopped. Each step builds these as its own failures (`make`: its failure class, and the
 * attest step's setup/Sigstore kind) and names what only it knows (where the OIDC token goes, how to point the step
 * elsewhere); its messages.ts keeps only its own words.
 */
import { OUT_OF_TIME, type StepFailure } from './failure';
import type { HttpWords } from './http';
import type { UrlWords } from './inputs';
import { codeSpan } from './markdown';
import type { OidcWords } from './oidc';

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The failure codes of the kit's words; each step's code union includes them. */
export type KitFailureCode =
  | 'redirect-refused' | 'response-too-large' | 'timeout' | 'host-not-found' | 'network' | 'proxy-invalid'
  | 'proxy-refused' | 'tls' | 'protocol-error' | 'deadline-exceeded'
  | 'oidc-request-failed' | 'oidc-invalid-response' | 'oidc-wrong-audience' | 'missing-id-token';

/** One failure as the kit words it, before a step makes it its own. */
export interface Said {
  readonly code: KitFailureCode;
  readonly title: string;
  readonly message: string;
  /** Transient: another attempt may succeed. */
  readonly retryable: boolean;
  /** HTTP status of the answer that caused it, when there was one. */
  readonly status?: number;
  readonly retryAfterMs?: number;
  /** The job's set-up is wrong (no setting may wave it through), not the service's answer. */
  readonly setup?: boolean;
}

export const retryWords = {
  gaveUp: (attempts: number, reason: string) => `(gave up after ${plural(attempts, 'attempt')}: ${reason})`,
  retryLimit: 'retry limit reached',
  pastDeadline: (totalMs: number) => `the next attempt would pass the ${Math.round(totalMs / 1000)} s time limit`,
};

/** The title of every failure the step's time limit causes. */
export const OUT_OF_TIME_TITLE = 'Time limit reached';

/** The rules every URL that receives a credential must pass (`what` names the URL). */
export const urlWords: UrlWords = {
  tooLong: (what, length, max) => `${what} is ${length} characters long; at most ${max} are accepted.`,
  controlCharacters: (what) => `${what} contains whitespace or control characters (CR, LF, tab...).`,
  nonAscii: (what) => `${what} contains non-ASCII characters; write an internationalised host name in its ASCII (punycode) form.`,
  notAbsolute: (what, raw) => `${what} is not an absolute URL: '${raw.slice(0, 200)}'.`,
  credentials: (what) => `${what} must not contain a user name or password; trusted publishing needs no stored credentials.`,
  plainHttp: (what, host) => `${what} uses http:// with the non-loopback host '${host}'. Use https:// ` +
    '(plain http is accepted only for 127.0.0.0/8, ::1 and localhost, where test stand-ins run).',
  scheme: (what, scheme) => `${what} uses the scheme '${scheme}'; only https:// is accepted.`,
};

export interface StepSay<F extends StepFailure> {
  readonly make: (said: Said) => F;
  readonly isFailure: (err: unknown) => err is F;
  /** The same failure with more said at the end. */
  readonly withSuffix: (failure: F, suffix: string) => F;
}

/** The kit's transport failures, as a step's failures. `redirectHint`: where to point the step instead. */
export function transportWords<F extends StepFailure>(say: StepSay<F>, redirectHint: string): HttpWords<F> {
  const make = (said: Omit<Said, 'retryable'> & { retryable?: boolean }) => say.make({ retryable: false, ...said });
  return {
    isFailure: say.isFailure,
    deadline: (target) => make({ code: OUT_OF_TIME, title: OUT_OF_TIME_TITLE, message: `No time left to contact ${target}.` }),
    timeout: (target, ms) => make({ code: 'timeout', title: 'Request timed out', message: `${target} did not answer within ${(ms / 1000).toFixed(1)} s.`, retryable: true }),
    protocol: (target, detail) => make({ code: 'protocol-error', title: 'Malformed HTTP response', message: `${target} sent a response that is not valid HTTP (${detail}).` }),
    hostNotFound: (target, host, detail) => make({ code: 'host-not-found', title: 'Host not found', message: `${target}: the host name ${host} does not resolve (${detail}).` }),
    network: (target, detail, retryable) => make({ code: 'network', title: 'Network error', message: `The connection to ${target} failed (${detail}).`, retryable }),
    tls: (target, detail) => make({
      code: 'tls',
      title: 'Certificate not trusted',
      message: `The TLS connection to ${target} failed (${detail}); nothing was sent. The step always verifies certificates ` +
        '(NODE_TLS_REJECT_UNAUTHORIZED cannot switch that off); a corporate CA goes in NODE_EXTRA_CA_CERTS.',
    }),
    tooLarge: (target, maxBytes, status) => make({
      code: 'response-too-large',
      title: 'Response too large',
      message: `${target} sent more than ${Math.round(maxBytes / 1024)} KiB; the step reads at most that much and stopped.`,
      status,
    }),
    redirect: (target, status, where) => make({
      code: 'redirect-refused',
      title: 'Redirect refused',
      message: `${target} answered ${status}, a redirect to ${where}. The step never follows redirects, so a credential ` +
        `cannot be re-sent to another place; ${redirectHint}.`,
      status,
    }),
    redirectWhere: { unnamed: 'an unnamed location', unparseable: 'an unparseable location', sameHost: ' (same host)' },
    proxyNotAUrl: () => make({ code: 'proxy-invalid', title: 'Unusable proxy setting', message: 'The proxy URL in HTTP(S)_PROXY is not a valid URL.', setup: true }),
    proxyScheme: (scheme) => make({
      code: 'proxy-invalid',
      setup: true,
      title: 'Unusable proxy setting',
      message: `The proxy URL in HTTP(S)_PROXY uses '${scheme}'; only http:// and https:// proxies are supported.`,
    }),
    proxyRefused: (proxyHost, status, authority) => make({
      code: 'proxy-refused',
      title: 'The proxy refused the connection',
      message: `The proxy ${proxyHost} answered ${status} to CONNECT ${authority}${status === 407 ? ' (it wants credentials: put ' +
        'them in the proxy URL)' : ''}.`,
      retryable: status >= 500,
      status,
    }),
    viaProxy: (f, proxyHost) => say.withSuffix(f, ` (through the proxy ${proxyHost})`),
  };
}

/**
 * The kit's OIDC request failures, as a step's failures. `destination` is where the token would have gone ("the
 * index", "Fulcio"); `refused` what a refusal means for the step.
 */
export function oidcRequestWords<F extends StepFailure>(say: StepSay<F>, destination: string, refused: string): OidcWords<F> {
  return {
    url: urlWords,
    status: (target, status, retryable, details) => say.make({
      code: 'oidc-request-failed',
      title: 'OIDC token request failed',
      message: `${target} answered HTTP ${status}${retryable ? '' : `; ${refused}`}.`,
      retryable,
      status,
      retryAfterMs: details.retryAfterMs,
    }),
    noValue: (target) => say.make({
      code: 'oidc-invalid-response',
      title: 'Invalid OIDC token response',
      retryable: false,
      message: `${target} answered 200 without a string \`value\` in a JSON body; no OIDC token was issued.`,
    }),
    notAJwt: (target) => say.make({
      code: 'oidc-invalid-response',
      title: 'Invalid OIDC token response',
      retryable: false,
      message: `${target} returned a value that is not a JWT; it was not sent anywhere.`,
    }),
    wrongAudience: (got, wanted) => say.make({
      code: 'oidc-wrong-audience',
      title: 'OIDC token has the wrong audience',
      retryable: false,
      message: `GitHub issued a token for audience ${got === undefined ? 'MISSING' : codeSpan(got)} instead of '${wanted}'. It ` +
        `was not sent to ${destination}. This happens when ACTIONS_ID_TOKEN_REQUEST_URL is rewritten by a proxy or a ` +
        'wrapper that drops the audience parameter.',
    }),
    unusableUrl: (message) => say.make({ code: 'oidc-request-failed', title: 'Unusable ACTIONS_ID_TOKEN_REQUEST_URL', message, retryable: false, setup: true }),
  };
}

export const GITLAB_ID_TOKENS_DOCS = 'https://docs.gitlab.com/ci/yaml/#id_tokens';

/**
 * A GitLab job's ID token (the variable one entry of its `id_tokens` sets), as a step's failures: `audience` is the one
 * it needs, `expecter` who expects it ("this index", "Sigstore"), `destination` where it would have gone. Each is the
 * job's set-up: only the pipeline file changes it.
 */
export function idTokenVariableWords<F extends StepFailure>(say: StepSay<F>, variable: string,
  to: { readonly audience: string; readonly expecter: string; readonly destination: string }): Pick<OidcWords<F>, 'noValue' | 'notAJwt' | 'wrongAudience'> {
  return {
    noValue: () => say.make({
      code: 'missing-id-token',
      title: 'No ID token in this job',
      retryable: false,
      setup: true,
      message: `The job has no ${variable} variable. GitLab gives a job an OIDC token only for the entries of its ` +
        `\`id_tokens\`; add one with the audience ${to.audience} to the publishing job (only that job):\n  id_tokens:\n    ` +
        `${variable}:\n      aud: ${to.audience}\nSee ${GITLAB_ID_TOKENS_DOCS}`,
    }),
    notAJwt: () => say.make({
      code: 'oidc-invalid-response',
      title: 'Invalid ID token',
      retryable: false,
      setup: true,
      message: `${variable} does not hold a JWT; it was not sent anywhere. Is the variable set by the job's \`id_tokens\`, ` +
        'or overridden by a CI/CD variable of the same name?',
    }),
    wrongAudience: (got) => say.make({
      code: 'oidc-wrong-audience',
      title: 'ID token has the wrong audience',
      retryable: false,
      setup: true,
      message: `${variable} is a token for audience ${got === undefined ? 'MISSING' : codeSpan(got)}, and ${to.expecter} expects ` +
        `'${to.audience}'. It was not sent to ${to.destination}. Set \`aud: ${to.audience}\` on that entry of the job's \`id_tokens\`.`,
    }),
  };
}
