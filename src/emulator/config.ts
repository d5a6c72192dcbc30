/**
 * Validation of the emulator's config (the CLI reads it from JSON, so every field is checked and every error
 * names the field it is about).
 */
import type {
  EmulatorConfig, GitlabJobClaims, GitlabPublisherConfig, PendingGitlabPublisherConfig, PendingPublisherConfig, PublisherConfig, RunnerClaims,
} from './types';

export class EmulatorConfigError extends Error {
  readonly code = 'invalid-config';
  constructor(readonly problems: string[]) {
    super(`invalid emulator config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const TOP_LEVEL_KEYS = ['host', 'pypiPort', 'oidcPort', 'sigstorePort', 'audience', 'trustedPublishing', 'projects', 'publishers',
  'pendingPublishers', 'gitlabPublishers', 'pendingGitlabPublishers', 'gitlabJob', 'runner', 'extraIssuers', 'requestToken', 'tokenLifetimeSeconds',
  'maxUploadBytes', 'visibilityDelaySeconds'];
const IDENTITY_KEYS = ['owner', 'ownerId', 'repository', 'workflow', 'environment'];

type Problems = string[];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(obj: Record<string, unknown>, allowed: string[], at: string, problems: Problems): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) problems.push(`${at}${key}: unknown field (expected one of ${allowed.join(', ')})`);
  }
}

function nonEmptyString(v: unknown, at: string, problems: Problems): string {
  if (typeof v === 'string' && v.trim() !== '') return v;
  problems.push(`${at}: expected a non-empty string`);
  return '';
}

function port(v: unknown, at: string, problems: Problems): number | undefined {
  if (v === undefined) return undefined;
  if (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535) return v as number;
  problems.push(`${at}: expected an integer port between 0 and 65535`);
  return undefined;
}

function positiveInt(v: unknown, at: string, problems: Problems): number | undefined {
  if (v === undefined) return undefined;
  if (Number.isInteger(v) && (v as number) > 0) return v as number;
  problems.push(`${at}: expected a positive integer`);
  return undefined;
}

function nonNegativeInt(v: unknown, at: string, problems: Problems): number | undefined {
  if (v === undefined) return undefined;
  if (Number.isInteger(v) && (v as number) >= 0) return v as number;
  problems.push(`${at}: expected an integer >= 0`);
  return undefined;
}

function stringList(v: unknown, at: string, problems: Problems): string[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push(`${at}: expected an array of strings`);
    return undefined;
  }
  return v.map((item, i) => nonEmptyString(item, `${at}[${i}]`, problems));
}

/** GitHub ids are strings in claims; a JSON number is accepted and compared as its decimal string. */
function ownerId(v: unknown, at: string, problems: Problems): string {
  if (Number.isSafeInteger(v)) return String(v);
  return nonEmptyString(v, at, problems);
}

/** PyPI's rules for the workflow filename and the environment of a publisher. */
function identity(obj: Record<string, unknown>, at: string, problems: Problems) {
  const workflow = nonEmptyString(obj.workflow, `${at}.workflow`, problems);
  if (workflow && (!/\.ya?ml$/.test(workflow) || workflow.includes('/'))) {
    problems.push(`${at}.workflow: expected a workflow filename ending in .yml or .yaml, without '/'`);
  }
  let environment: string | undefined;
  if (obj.environment !== undefined && obj.environment !== '') {
    environment = nonEmptyString(obj.environment, `${at}.environment`, problems);
    // eslint-disable-next-line no-control-regex
    if (environment.length > 255 || environment.trim() !== environment || /['"`,;\\\x00-\x1f\x7f]/.test(environment)) {
      problems.push(`${at}.environment: at most 255 characters, no surrounding spaces, none of ' " \` , ; \\ or control characters`);
    }
  }
  return {
    owner: nonEmptyString(obj.owner, `${at}.owner`, problems),
    ownerId: ownerId(obj.ownerId, `${at}.ownerId`, problems),
    repository: nonEmptyString(obj.repository, `${at}.repository`, problems),
    workflow,
    ...(environment ? { environment } : {}),
  };
}

/** An array of objects, each checked by `item` (which names its own problems); undefined when absent. */
function objectArray<T>(v: unknown, at: string, what: string, problems: Problems,
  item: (o: Record<string, unknown>, where: string) => T): T[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push(`${at}: expected an array of ${what}`);
    return undefined;
  }
  return v.flatMap((o, i) => {
    const where = `${at}[${i}]`;
    if (!isObject(o)) {
      problems.push(`${where}: expected an object`);
      return [];
    }
    return [item(o, where)];
  });
}

function publishers(v: unknown, at: string, problems: Problems): PublisherConfig[] | undefined {
  return objectArray(v, at, 'publishers', problems, (p, where) => {
    unknownKeys(p, ['projects', ...IDENTITY_KEYS], `${where}.`, problems);
    const projects = stringList(p.projects, `${where}.projects`, problems);
    if (!projects || projects.length === 0) problems.push(`${where}.projects: expected at least one project name`);
    return { projects: projects ?? [], ...identity(p, where, problems) };
  });
}

function pendingPublishers(v: unknown, at: string, problems: Problems): PendingPublisherConfig[] | undefined {
  return objectArray(v, at, 'pending publishers', problems, (p, where) => {
    unknownKeys(p, ['project', 'createdAt', ...IDENTITY_KEYS], `${where}.`, problems);
    const createdAt = nonNegativeInt(p.createdAt, `${where}.createdAt`, problems);
    return {
      project: nonEmptyString(p.project, `${where}.project`, problems),
      ...identity(p, where, problems),
      ...(createdAt === undefined ? {} : { createdAt }),
    };
  });
}

const GITLAB_IDENTITY_KEYS = ['namespace', 'project', 'workflowFilepath', 'environment'];

/** warehouse's GitLab publisher form: namespace (subgroups allowed), project, a pipeline path ending in .yml/.yaml. */
function gitlabIdentity(obj: Record<string, unknown>, at: string, problems: Problems) {
  const namespace = nonEmptyString(obj.namespace, `${at}.namespace`, problems);
  const project = nonEmptyString(obj.project, `${at}.project`, problems);
  if (project.includes('/')) problems.push(`${at}.project: the project name alone, without its namespace`);
  const workflowFilepath = nonEmptyString(obj.workflowFilepath, `${at}.workflowFilepath`, problems);
  if (workflowFilepath && (!/\.ya?ml$/.test(workflowFilepath) || workflowFilepath.startsWith('/'))) {
    problems.push(`${at}.workflowFilepath: expected the top-level pipeline file's path, ending in .yml or .yaml, not starting with '/'`);
  }
  let environment: string | undefined;
  if (obj.environment !== undefined && obj.environment !== '') {
    environment = nonEmptyString(obj.environment, `${at}.environment`, problems);
    if (!/^[a-zA-Z0-9\-_/${} ]+$/.test(environment)) problems.push(`${at}.environment: letters, digits, spaces and - _ / $ { } only`);
  }
  return { namespace, project, workflowFilepath, ...(environment ? { environment } : {}) };
}

function gitlabPublishers(v: unknown, at: string, problems: Problems): GitlabPublisherConfig[] | undefined {
  return objectArray(v, at, 'GitLab publishers', problems, (p, where) => {
    unknownKeys(p, ['projects', ...GITLAB_IDENTITY_KEYS], `${where}.`, problems);
    const projects = stringList(p.projects, `${where}.projects`, problems);
    if (!projects || projects.length === 0) problems.push(`${where}.projects: expected at least one project name`);
    return { projects: projects ?? [], ...gitlabIdentity(p, where, problems) };
  });
}

function pendingGitlabPublishers(v: unknown, at: string, problems: Problems): PendingGitlabPublisherConfig[] | undefined {
  return objectArray(v, at, 'pending GitLab publishers', problems, (p, where) => {
    unknownKeys(p, ['pypiProject', ...GITLAB_IDENTITY_KEYS], `${where}.`, problems);
    return { pypiProject: nonEmptyString(p.pypiProject, `${where}.pypiProject`, problems), ...gitlabIdentity(p, where, problems) };
  });
}

function gitlabJob(v: unknown, problems: Problems): Partial<GitlabJobClaims> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    problems.push('gitlabJob: expected an object of claim names to values');
    return undefined;
  }
  for (const [key, value] of Object.entries(v)) {
    const ok = key === 'runner_id' ? Number.isSafeInteger(value) : typeof value === 'string';
    if (!ok) problems.push(`gitlabJob.${key}: expected ${key === 'runner_id' ? 'an integer' : 'a string'} (as GitLab sends it)`);
  }
  return v as Partial<GitlabJobClaims>;
}

function runner(v: unknown, problems: Problems): Partial<RunnerClaims> | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    problems.push('runner: expected an object of claim names to string values');
    return undefined;
  }
  for (const [key, value] of Object.entries(v)) {
    if (typeof value !== 'string') problems.push(`runner.${key}: expected a string (GitHub sends every claim as a string)`);
  }
  return v as Partial<RunnerClaims>;
}

function issuerUrls(v: unknown, problems: Problems): string[] | undefined {
  const urls = stringList(v, 'extraIssuers', problems);
  urls?.forEach((u, i) => {
    if (!u) return;
    try {
      const parsed = new URL(u);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    } catch {
      problems.push(`extraIssuers[${i}]: expected an http(s) URL`);
    }
  });
  return urls;
}

/** Check `input` (parsed JSON or a programmatic config) and return it typed; throws EmulatorConfigError. */
export function validateConfig(input: unknown): EmulatorConfig {
  const problems: Problems = [];
  if (input === undefined || input === null) return {};
  if (!isObject(input)) throw new EmulatorConfigError(['config: expected a JSON object']);
  unknownKeys(input, TOP_LEVEL_KEYS, '', problems);
  const optionalString = (key: string) => (input[key] === undefined ? undefined : nonEmptyString(input[key], key, problems));
  if (input.trustedPublishing !== undefined && typeof input.trustedPublishing !== 'boolean') {
    problems.push('trustedPublishing: expected true or false');
  }
  const config: EmulatorConfig = {
    host: optionalString('host'),
    pypiPort: port(input.pypiPort, 'pypiPort', problems),
    oidcPort: port(input.oidcPort, 'oidcPort', problems),
    sigstorePort: port(input.sigstorePort, 'sigstorePort', problems),
    audience: optionalString('audience'),
    trustedPublishing: input.trustedPublishing as boolean | undefined,
    projects: stringList(input.projects, 'projects', problems),
    publishers: publishers(input.publishers, 'publishers', problems),
    pendingPublishers: pendingPublishers(input.pendingPublishers, 'pendingPublishers', problems),
    gitlabPublishers: gitlabPublishers(input.gitlabPublishers, 'gitlabPublishers', problems),
    pendingGitlabPublishers: pendingGitlabPublishers(input.pendingGitlabPublishers, 'pendingGitlabPublishers', problems),
    gitlabJob: gitlabJob(input.gitlabJob, problems),
    runner: runner(input.runner, problems),
    extraIssuers: issuerUrls(input.extraIssuers, problems),
    requestToken: optionalString('requestToken'),
    tokenLifetimeSeconds: positiveInt(input.tokenLifetimeSeconds, 'tokenLifetimeSeconds', problems),
    maxUploadBytes: positiveInt(input.maxUploadBytes, 'maxUploadBytes', problems),
    visibilityDelaySeconds: nonNegativeInt(input.visibilityDelaySeconds, 'visibilityDelaySeconds', problems),
  };
  if (problems.length > 0) throw new EmulatorConfigError(problems);
  return config;
}
