/**
 * GitHub Actions workflow commands, rendered as lines for an output sink. `@actions/core`'s `issueCommand` writes
 * straight to process.stdout, which `runAction` must not do (it is run in-process by tests and fuzzers), so the
 * escaping rules of its `command.js` are reproduced here.
 */
// bundled into action/index.cjs by esbuild: a devDependency on purpose
// eslint-disable-next-line import/no-extraneous-dependencies
import { toCommandValue } from '@actions/core/lib/utils.js';

function escapeData(s: string): string {
  return toCommandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function command(name: string, message: string, properties: Record<string, string | undefined> = {}): string {
  const props = Object.entries(properties)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v)}`)
    .join(',');
  return `::${name}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** Registers a secret with the runner's log masker; it must come before any line that could contain the value. */
export const addMask = (secret: string): string => command('add-mask', secret);
export const errorAnnotation = (title: string, message: string): string => command('error', message, { title });
export const warningAnnotation = (title: string, message: string): string => command('warning', message, { title });
export const noticeAnnotation = (title: string, message: string): string => command('notice', message, { title });

/** Lines of plain log output must never be read as commands: neutralise a leading `::`. */
export function logLine(text: string): string {
  return text.replace(/^::/gm, ': :');
}
