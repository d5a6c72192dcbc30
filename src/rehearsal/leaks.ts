/**
 * The leak scanner. Every secret the tests see (minted `pypi-` tokens, OIDC JWTs) is registered here, and every
 * piece of output the tests capture (child stdout/stderr, step summaries, GITHUB_ENV, logs) is recorded here. After
 * each test file, `assertNoLeaks()` fails the run if any recorded output holds a secret, in any of the encodings a
 * careless step could print, outside an `::add-mask::` line. Shapes that look like a token or a JWT are flagged
 * even when nobody registered them (a server the tests never saw can still mint one).
 */

const secrets = new Set<string>();
/** Every encoded form of every registered secret, keyed by its first KEY_LENGTH characters (see `searchForms`). */
const registeredForms: FormIndex = new Map();
const outputs: Array<{ label: string; text: string; allowMaskCommands: boolean }> = [];

/** Shapes of credentials: a PyPI macaroon token and a compact JWS (header starts `{"` => `eyJ`). */
const TOKEN_SHAPE = /pypi-[A-Za-z0-9_-]{40,}/g;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g;

/** Register a secret the tests know about (the emulator registers everything it issues). */
export function registerSecret(value: string | undefined | null): void {
  if (typeof value === 'string' && value.length >= 8 && !secrets.has(value)) {
    secrets.add(value);
    indexForms(registeredForms, value);
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

/**
 * The fuzz tests register tens of thousands of secrets and record as many outputs, so a scan cannot be
 * (secrets x forms x outputs) `indexOf` calls. Instead every form is indexed by its LAST KEY_LENGTH characters (the
 * shortest form is that long; the ends are random, where the starts are shared: `eyJhbGci`, `cHlwaS1`) and a scan
 * looks up each window of the text once: linear in the text, whatever the number of secrets. It reports each form
 * of each secret once, at its first offset.
 */
const KEY_LENGTH = 8;
type FormIndex = Map<string, Array<{ form: string; name: string }>>;

function indexForms(index: FormIndex, secret: string): void {
  for (const [form, name] of encodedForms(secret)) {
    const key = form.slice(-KEY_LENGTH);
    const entries = index.get(key);
    if (entries === undefined) index.set(key, [{ form, name }]);
    else if (!entries.some((e) => e.form === form)) entries.push({ form, name });
  }
}

function searchForms(indexes: FormIndex[], text: string): Array<{ name: string; at: number }> {
  const found = new Map<string, { name: string; at: number }>();
  const live = indexes.filter((i) => i.size > 0);
  if (live.length === 0) return [];
  for (let end = KEY_LENGTH; end <= text.length; end++) {
    const key = text.slice(end - KEY_LENGTH, end);
    for (const index of live) {
      for (const { form, name } of index.get(key) ?? []) {
        const at = end - form.length;
        if (at >= 0 && !found.has(form) && text.startsWith(form, at)) found.set(form, { name, at });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.at - b.at);
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
  const extra: FormIndex = new Map();
  for (const secret of extraSecrets) {
    if (!secrets.has(secret)) indexForms(extra, secret);
  }
  const leaks: Leak[] = searchForms([registeredForms, extra], text).map(({ name, at }) => ({ label, form: name, where: `offset ${at}` }));
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
