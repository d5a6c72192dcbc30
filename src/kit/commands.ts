/**
 * The runner's workflow commands and the one printer both steps print through. Every line out is either a command
 * the step built or log text that cannot become one: text the step did not write is redacted first, `::` after
 * leading whitespace and the legacy `##[` anywhere are broken up, and command data and properties are escaped as
 * @actions/core's command.js escapes them (whose issueCommand writes straight to process.stdout, which a step must
 * not do: tests and fuzzers run the steps in-process).
 */
import { Redactor } from './redact';

// @actions/core is ESM and bundled by esbuild (a devDependency on purpose); a require, typed as the ESM module it
// is, so the kit reads the same under its own tsconfig (bundler resolution) and the CommonJS dev tsconfig
// eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
const { toCommandValue } = require('@actions/core/lib/utils.js') as typeof import('@actions/core/lib/utils.js', { with: { 'resolution-mode': 'import' } });

export interface Io {
  write(line: string): void;
}

export interface Printer {
  /** Registers a credential with the runner's log masker; it must come before any line that could contain it. */
  mask(secret: string): void;
  log(text: string): void;
  warning(title: string, text: string): void;
  error(title: string, text: string): void;
}

/** Longest log line and annotation texts (after redaction): one answer cannot flood the job log. */
export const PRINT_LIMITS = { log: 4000, warning: 4000, error: 20_000 } as const;

export function createPrinter(io: Io, redactor: Redactor): Printer {
  const out = (line: string) => io.write(neutralise(line));
  return {
    mask: (secret) => out(command('add-mask', secret)),
    log: (text) => out(logText(redactor.redact(text, PRINT_LIMITS.log))),
    warning: (title, text) => out(command('warning', redactor.redact(text, PRINT_LIMITS.warning), { title: redactor.redact(title, 200) })),
    error: (title, text) => out(command('error', redactor.redact(text, PRINT_LIMITS.error), { title: redactor.redact(title, 200) })),
  };
}

/**
 * The runner also reads the legacy `##[command]` form anywhere in a line: break it up in every line printed.
 * (Neither a JWT nor a token that passed the shape check contains `#`, so a mask line is never changed.)
 */
export const neutralise = (line: string) => line.replace(/##\[/g, '## [');

/** Log text must never be read as a command: the runner trims a line before looking for `::`. */
export const logText = (text: string) => text.replace(/^(\s*)::/gm, '$1: :');

const escapeData = (s: string) => toCommandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const escapeProperty = (s: string) => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

export function command(name: string, message: string, properties: Record<string, string | undefined> = {}): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}
