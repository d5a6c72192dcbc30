/**
 * The checks of GitLab's own CI schema (gitlab-org/gitlab `app/assets/javascripts/editor/schema/ci.json`, read from
 * its GitHub mirror gitlabhq/gitlabhq at 0286e4c6) that a generated pipeline can break, written out: no npm package
 * ships that schema, and no registry or gitlab.com is reachable here. Each message names the rule.
 */
type Doc = Record<string, unknown>;

/** `job_template`'s properties (additionalProperties: false). */
const JOB_KEYS = new Set(['image', 'services', 'before_script', 'after_script', 'hooks', 'rules', 'variables', 'cache', 'id_tokens',
  'identity', 'inputs', 'secrets', 'script', 'run', 'stage', 'only', 'extends', 'needs', 'except', 'tags', 'allow_failure', 'timeout',
  'when', 'start_in', 'manual_confirmation', 'dependencies', 'artifacts', 'environment', 'release', 'coverage', 'retry', 'parallel',
  'interruptible', 'resource_group', 'trigger', 'inherit', 'publish', 'pages']);
const TOP_KEYS = new Set(['$schema', 'spec', 'image', 'services', 'before_script', 'after_script', 'variables', 'cache', '!reference',
  'default', 'stages', 'include', 'pages', 'workflow']);
const RULE_KEYS = new Set(['if', 'changes', 'exists', 'variables', 'when', 'start_in', 'allow_failure', 'needs', 'interruptible']);
const ARTIFACT_KEYS = new Set(['paths', 'exclude', 'expose_as', 'name', 'untracked', 'when', 'access', 'expire_in', 'reports']);
const ENVIRONMENT_KEYS = new Set(['name', 'url', 'on_stop', 'action', 'auto_stop_in', 'kubernetes', 'deployment_tier']);
const NEED_KEYS = new Set(['job', 'artifacts', 'optional', 'parallel']);
const IMAGE_KEYS = new Set(['name', 'entrypoint', 'docker', 'kubernetes', 'pull_policy']);

const isObject = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);
const extra = (v: Doc, allowed: Set<string>) => Object.keys(v).filter((k) => !allowed.has(k));

export function gitlabSchemaFindings(doc: Doc): string[] {
  const out: string[] = [];
  const stages = doc.stages;
  if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => typeof s !== 'string') || new Set(stages).size !== stages.length) {
    out.push('stages: a non-empty array of unique strings');
  }
  for (const [name, job] of Object.entries(doc)) {
    if (TOP_KEYS.has(name) || name.startsWith('.')) continue;
    const at = `job ${name}`;
    if (!isObject(job)) {
      out.push(`${at}: must be an object`);
      continue;
    }
    for (const k of extra(job, JOB_KEYS)) out.push(`${at}: unknown keyword ${k}`);
    const script = job.script;
    if (!Array.isArray(script) || script.length === 0 || script.some((l) => typeof l !== 'string' || l === '')) {
      out.push(`${at}: script must be a non-empty array of non-empty strings`);
    }
    if (typeof job.stage !== 'string' || !(Array.isArray(stages) && stages.includes(job.stage))) out.push(`${at}: stage must be one of stages`);
    const image = job.image;
    if (image !== undefined && !(typeof image === 'string' && image) && !(isObject(image) && typeof image.name === 'string' && image.name && extra(image, IMAGE_KEYS).length === 0)) {
      out.push(`${at}: image must be a name or {name, ...}`);
    }
    if (job.rules !== undefined) {
      if (!Array.isArray(job.rules)) out.push(`${at}: rules must be an array`);
      else for (const r of job.rules) if (!isObject(r) || extra(r, RULE_KEYS).length > 0 || (r.if !== undefined && typeof r.if !== 'string')) out.push(`${at}: malformed rule ${JSON.stringify(r)}`);
    }
    if (job.id_tokens !== undefined) {
      if (!isObject(job.id_tokens)) {out.push(`${at}: id_tokens must be an object`);} else {
        for (const [variable, entry] of Object.entries(job.id_tokens)) {
          const aud = isObject(entry) ? entry.aud : undefined;
          const audOk = typeof aud === 'string' || (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === 'string') && new Set(aud).size === aud.length);
          if (!isObject(entry) || extra(entry, new Set(['aud'])).length > 0 || !audOk) out.push(`${at}: id_tokens.${variable} must be {aud: string | string[]}`);
        }
      }
    }
    if (job.variables !== undefined) {
      if (!isObject(job.variables)) out.push(`${at}: variables must be an object`);
      else for (const [k, v] of Object.entries(job.variables)) if (!['string', 'number', 'boolean'].includes(typeof v)) out.push(`${at}: variables.${k} must be a scalar`);
    }
    if (job.environment !== undefined) {
      const env = job.environment;
      if (typeof env !== 'string' && !(isObject(env) && typeof env.name === 'string' && env.name !== '' && extra(env, ENVIRONMENT_KEYS).length === 0 &&
        (env.url === undefined || (typeof env.url === 'string' && /^(https?:\/\/.+|\$[A-Za-z]+)/.test(env.url))))) {
        out.push(`${at}: environment must be a name or {name, url: http(s)://...}`);
      }
    }
    if (job.needs !== undefined) {
      if (!Array.isArray(job.needs)) {out.push(`${at}: needs must be an array`);} else {
        for (const n of job.needs) {
          const target = typeof n === 'string' ? n : isObject(n) ? n.job : undefined;
          if (typeof n !== 'string' && !(isObject(n) && typeof n.job === 'string' && extra(n, NEED_KEYS).length === 0)) out.push(`${at}: malformed need ${JSON.stringify(n)}`);
          else if (!(typeof target === 'string' && isObject(doc[target]))) out.push(`${at}: needs ${String(target)}, which is not a job`);
        }
      }
    }
    if (job.artifacts !== undefined) {
      const a = job.artifacts;
      if (!isObject(a) || extra(a, ARTIFACT_KEYS).length > 0 || (a.paths !== undefined && !(Array.isArray(a.paths) && a.paths.length > 0))) out.push(`${at}: malformed artifacts`);
      else if (a.when !== undefined && !['on_success', 'on_failure', 'always'].includes(String(a.when))) out.push(`${at}: artifacts.when`);
    }
    if (job.interruptible !== undefined && typeof job.interruptible !== 'boolean') out.push(`${at}: interruptible must be a boolean`);
  }
  return out;
}
