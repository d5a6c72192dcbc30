/**
 * Text a step did not write itself (server error descriptions, network error messages, certificate fields) is shown
 * to users only after this pass: a hostile or broken server could echo a credential back, and masking is only a log
 * filter. Known secrets in their common encodings, anything shaped like a JWT or a `pypi-` token, and URL
 * credentials are removed; control characters are dropped; and only then is the length capped, so a cut can never
 * leave the first part of a credential behind.
 */

// Every pattern runs in linear time on any text: a match may only start where a run of its characters starts (the
// lookbehinds), and the open-ended parts are bounded, so a megabyte of `AAAA…` or `eyJeyJ…` from a hostile server
// cannot stall the event loop (and with it the step's own timers) the way backtracking from every offset did.
const JWT_SHAPE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
// A macaroon is long (~180 chars); project names like `pypi-mint-sample` are names, not tokens, and must survive.
const TOKEN_SHAPE = /pypi-[A-Za-z0-9_-]{40,}/g;
const URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/@]{0,4096}@/gi;

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember a secret (and its common encodings) so it is cut out of any text shown later. */
  public add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    const b64 = Buffer.from(secret).toString('base64');
    this.secrets.add(b64);
    this.secrets.add(b64.replace(/=+$/, ''));
    this.secrets.add(Buffer.from(secret).toString('base64url'));
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
  }

  public redact(text: string, maxLength = 500): string {
    let out = text;
    // longest first, so a secret's encoding that contains another secret is removed whole
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join('***');
    }
    out = out.replace(JWT_SHAPE, '***').replace(TOKEN_SHAPE, 'pypi-***').replace(URL_CREDENTIALS, '$1***@');
    // eslint-disable-next-line no-control-regex
    out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, ' ');
    return out.length > maxLength ? `${out.slice(0, maxLength)}… (${out.length - maxLength} more characters cut)` : out;
  }
}
