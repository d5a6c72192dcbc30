/**
 * Reads and validates the action's inputs. GitHub passes `with:` values as `INPUT_<NAME>` with the name
 * upper-cased and its hyphen kept (`INPUT_INDEX-URL`); the underscore spelling is accepted too, as pypa's action
 * does. Everything is checked here, before the action makes any request.
 */
import { ActionFailure } from './errors';
import { IndexEndpoints, resolveIndexUrl } from './index-url';
import { ExportTarget, UPLOADER_NAMES, UploaderName } from './uploader-env';

export interface ActionInputs {
  readonly index: IndexEndpoints;
  /** Set when the user gave one: discovery is skipped (the tschm/token-mint-action contract). */
  readonly audience?: string;
  readonly exportEnv: readonly ExportTarget[];
}

type Env = Record<string, string | undefined>;

export function readInput(env: Env, name: string): string {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, '_')}`] ?? '').trim();
}

function invalidInput(input: string, message: string): ActionFailure {
  return new ActionFailure('invalid-input', `Invalid ${input} input`, message);
}

/** Audiences are short identifiers (`pypi`, `testpypi`, at most a URL): no query or fragment syntax, no spaces. */
export const AUDIENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;

export function parseAudience(raw: string): string | undefined {
  if (raw === '') return undefined;
  if (!AUDIENCE_PATTERN.test(raw)) {
    throw invalidInput('audience', 'audience must be a short identifier (letters, digits and . _ : / -), e.g. `pypi` or ' +
      '`testpypi`; leave it empty to ask the index for its audience.');
  }
  return raw;
}

/** `export-env`: a comma (or whitespace) separated list of uploader names; `poetry:<repository>` picks poetry's repository. */
export function parseExportEnv(raw: string, index: IndexEndpoints): ExportTarget[] {
  const targets: ExportTarget[] = [];
  const seen = new Set<string>();
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== '')) {
    const [toolRaw, repoRaw, ...rest] = item.toLowerCase().split(':');
    const tool = toolRaw as UploaderName;
    if (!UPLOADER_NAMES.includes(tool) || rest.length > 0 || (repoRaw !== undefined && tool !== 'poetry')) {
      throw invalidInput('export-env', `export-env names '${item.slice(0, 60)}', which is not a tool the action knows. ` +
        `Use a comma separated list of: ${UPLOADER_NAMES.join(', ')} (poetry may name its repository: poetry:<name>). ` +
        'Leave it empty to only set the step output `api-token` (the safer choice).');
    }
    let target: ExportTarget = { tool };
    if (tool === 'poetry') {
      const repo = repoRaw ?? (index.kind === 'custom' ? undefined : index.kind);
      if (repo === undefined) {
        throw invalidInput('export-env', `poetry needs a repository name for ${index.displayName}: ` +
          'write `poetry:<name>` and publish with `poetry publish -r <name>`.');
      }
      if (!/^[a-z0-9_]{1,64}$/.test(repo)) {
        throw invalidInput('export-env', `poetry repository name '${repo.slice(0, 60)}' may use only letters, digits and _.`);
      }
      target = { tool, poetryRepository: repo };
    }
    const key = `${target.tool}:${target.poetryRepository ?? ''}`;
    if (!seen.has(key)) targets.push(target);
    seen.add(key);
  }
  return targets;
}

export function readInputs(env: Env): ActionInputs {
  const index = resolveIndexUrl(readInput(env, 'index-url'));
  return {
    index,
    audience: parseAudience(readInput(env, 'audience')),
    exportEnv: parseExportEnv(readInput(env, 'export-env'), index),
  };
}
