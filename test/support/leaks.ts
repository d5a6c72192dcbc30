/**
 * The leak scanner. Every secret the tests see (minted `pypi-` tokens, OIDC JWTs) is registered here, and every
 * piece of output the tests capture (child stdout/stderr, step summaries, GITHUB_ENV, logs) is recorded here. After
 * each test file, `assertNoLeaks()` fails the run if any recorded output holds a secret, in any of the encodings a
 * careless step could print, outside an `::add-mask::` line. Shapes that look like a token or a JWT are flagged
 * even when nobody registered them (a server the tests never saw can still mint one).
 */

const secrets = new Set<string>();
const outputs: Array<{ label: string; text: string; allowMaskCommands: boolean }> = [];

/** Shapes of credentials: a PyPI macaroon token and a compact JWS (header starts `{"` => `eyJ`). */
const TOKEN_SHAPE = /pypi-[A-Za-z0-9_-]{40,}/g;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;

/** Register a secret the tests know about (the emulator registers everything it issues). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 8) {
    secrets.add(value);
  }
}

/**
 * Record captured output for the scan. `allowMaskCommands` is true for a runner's stdout, where `::add-mask::<v>`
 * is the one legitimate place a secret may appear; everywhere else (files, summaries, stderr) it is false.
 */
export function recordOutput(label: string, text: string | Buffer | undefined, allowMaskCommands = true): void {
  if (text === undefined) return;
  outputs.push({ label, text: text.toString(), allowMaskCommands });
}

/** Every form in which a secret could show up in a log that masking would not catch. */
export function encodedForms(secret: string): Map<string, string> {
  const forms = new Map<string, string>();
  const add = (name: string, v: string) => {
    if (v.length >= 8 && !forms.has(v)) forms.set(v, name);
  };
  add('plain', secret);
  add('base64', Buffer.from(secret).toString('base64'));
  add('base64url', Buffer.from(secret).toString('base64url'));
  add('url-encoded', encodeURIComponent(secret));
  add('json-escaped', JSON.stringify(secret).slice(1, -1));
  for (const user of ['__token__', '']) {
    const basic = Buffer.from(`${user}:${secret}`).toString('base64');
    add(`basic-auth(${user || 'empty'})`, basic);
    add(`basic-auth(${user || 'empty'}) without padding`, basic.replace(/=+$/, ''));
  }
  // base64 of the secret as it would appear embedded at offsets 1 and 2 of a longer base64 run
  add('base64 (offset 1)', Buffer.from(`x${secret}`).toString('base64').slice(4, -4));
  add('base64 (offset 2)', Buffer.from(`xy${secret}`).toString('base64').slice(4, -4));
  return forms;
}

/** Lines of stdout that are `::add-mask::` commands are the one place a secret is allowed. */
function stripMaskCommands(text: string): string {
  return text
    .split(/\r?\n/)
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}

export interface Leak {
  readonly label: string;
  readonly form: string;
  /** A short, non-secret hint of where it was found (never the secret itself). */
  readonly where: string;
}

/** Scan one text (exported so the scanner's own tests can prove it catches every form). */
export function findLeaks(label: string, raw: string, allowMaskCommands = true, extraSecrets: Iterable<string> = []): Leak[] {
  const text = allowMaskCommands ? stripMaskCommands(raw) : raw;
  const leaks: Leak[] = [];
  for (const secret of [...secrets, ...extraSecrets]) {
    for (const [form, name] of encodedForms(secret)) {
      const at = text.indexOf(form);
      if (at >= 0) leaks.push({ label, form: name, where: `offset ${at}` });
    }
  }
  for (const [shape, re] of [['pypi token shape', TOKEN_SHAPE], ['JWT shape', JWT_SHAPE]] as const) {
    for (const m of text.matchAll(re)) {
      leaks.push({ label, form: shape, where: `offset ${m.index}` });
    }
  }
  return leaks;
}

/** Fails (throws) when any recorded output leaks a secret. Clears the recorded output. */
export function assertNoLeaks(): void {
  const leaks = outputs.flatMap((o) => findLeaks(o.label, o.text, o.allowMaskCommands));
  const scanned = outputs.length;
  outputs.length = 0;
  if (leaks.length > 0) {
    const lines = leaks.slice(0, 20).map((l) => `  - ${l.label}: ${l.form} at ${l.where}`);
    throw new Error(`credential leak: ${leaks.length} finding(s) in ${scanned} captured output(s)\n${lines.join('\n')}`);
  }
}

/** How much the scanner looked at (tests of the suite itself assert it is not idle). */
export function scanStats(): { secrets: number; outputs: number } {
  return { secrets: secrets.size, outputs: outputs.length };
}
