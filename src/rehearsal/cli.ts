/**
 * `pypi-mint-rehearse`: the command behind `npx projen pypi:rehearse` (bundled into lib/rehearsal/cli.cjs). The task
 * passes the component's settings (workflow file, repository, project, indexes); the user adds `--tag` and, to
 * rehearse against the publisher actually registered, `--publisher`. Exit 0: every index has every built file with
 * its sha256, the provenance verifies and the release installs; 1: the rehearsal ran and something failed; 2: it
 * was refused before running (a usage error, a missing tag, a trigger that would not fire, uncommitted changes).
 */
import { writeFileSync } from 'node:fs';
import { defaultCacheDir } from './machine';
import { MESSAGES } from './messages';
import { RehearsalIndex, RehearsalPublisher, RehearsalRefusal, RehearseOptions, rehearse } from './rehearse';
import { rehearseGitlab } from './rehearse-gitlab';

class UsageError extends Error {}

/** `[<index>=]<owner>/<repo>:<workflow.yml>[@<environment>]` */
export function parsePublisher(value: string): RehearsalPublisher {
  const m = /^(?:([a-z0-9-]+)=)?([^/\s:=@]+)\/([^/\s:@]+):([^/\s:@]+)(?:@([^\s]*))?$/i.exec(value);
  if (!m) throw new UsageError(MESSAGES.badPublisher(value, 'it does not have that form'));
  const [, index, owner, repository, workflow, environment] = m;
  if (!/\.ya?ml$/.test(workflow)) throw new UsageError(MESSAGES.badPublisher(value, `the workflow '${workflow}' is a file name ending in .yml or .yaml`));
  if (environment === '') throw new UsageError(MESSAGES.badPublisher(value, 'the environment after @ is empty (leave out @ for any environment)'));
  return { index: index?.toLowerCase(), owner, repository, workflow, environment };
}

interface Parsed extends Omit<RehearseOptions, 'out' | 'cwd' | 'cacheDir'> {
  readonly cacheDir?: string;
  /** Where to write the run's timing (RehearsalTiming, JSON). */
  readonly timingFile?: string;
  readonly help: boolean;
  /** A PypiGitlabRelease project: "namespace/project" on gitlab.com (then there is no workflow or repository). */
  readonly gitlabProject?: string;
}

export function parseArgs(argv: string[]): Parsed {
  const args = argv.flatMap((a) => (/^--[a-z-]+=/.test(a) ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a]));
  const single: Record<string, string> = {};
  const flags = new Set<string>();
  const publishers: RehearsalPublisher[] = [];
  const indexes: Array<Partial<{ -readonly [K in keyof RehearsalIndex]: string }>> = [];
  const perIndex: Record<string, keyof RehearsalIndex> = { '--upload-url': 'uploadUrl', '--web-url': 'webUrl', '--environment': 'environment', '--display-name': 'displayName' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (['--help', '-h', '--allow-dirty', '--verbose', '--keep'].includes(a)) {
      flags.add(a === '-h' ? '--help' : a);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(MESSAGES.badArgument(a));
    i++;
    if (a === '--publisher') {publishers.push(parsePublisher(value));} else if (a === '--index') {indexes.push({ name: value });} else if (a in perIndex) {
      const current = indexes[indexes.length - 1];
      if (current === undefined) throw new UsageError(MESSAGES.badArgument(`${a} before --index`));
      current[perIndex[a]] = value;
    } else if (['--tag', '--workflow', '--repository', '--project', '--cache-dir', '--gitlab-project', '--timing'].includes(a)) {single[a] = value;} else {throw new UsageError(MESSAGES.badArgument(a));}
  }
  if (flags.has('--help')) return { help: true } as Parsed;
  const gitlab = single['--gitlab-project'];
  for (const required of ['--tag', ...(gitlab === undefined ? ['--workflow', '--repository'] : []), '--project']) {
    if (single[required] === undefined) throw new UsageError(MESSAGES.missing(required));
  }
  if (gitlab !== undefined) {
    if (!/^[^/\s]+(\/[^/\s]+)+$/.test(gitlab)) throw new UsageError(`--gitlab-project '${gitlab}' is not namespace/project`);
    const github = ['--workflow', '--repository'].find((k) => single[k] !== undefined) ?? (publishers.length > 0 ? '--publisher' : undefined);
    if (github !== undefined) throw new UsageError(`${github} is for a GitHub workflow; --gitlab-project rehearses .gitlab-ci.yml with the publishers PypiGitlabRelease names`);
  } else if (!/^[^/\s]+\/[^/\s]+$/.test(single['--repository'])) {throw new UsageError(`--repository '${single['--repository']}' is not owner/name`);}
  if (indexes.length === 0) throw new UsageError(MESSAGES.missing('--index'));
  const complete = indexes.map((ix) => {
    for (const k of ['uploadUrl', 'webUrl', 'environment'] as const) {
      if (ix[k] === undefined) throw new UsageError(MESSAGES.missing(`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} of --index ${ix.name}`));
    }
    return { name: ix.name!, displayName: ix.displayName ?? ix.name!, uploadUrl: ix.uploadUrl!, webUrl: ix.webUrl!, environment: ix.environment! };
  });
  return {
    help: false,
    tag: single['--tag'],
    workflowFile: single['--workflow'] ?? '',
    repository: single['--repository'] ?? '',
    gitlabProject: gitlab,
    project: single['--project'],
    indexes: complete,
    publishers: publishers.length > 0 ? publishers : undefined,
    allowDirty: flags.has('--allow-dirty'),
    verbose: flags.has('--verbose'),
    keep: flags.has('--keep'),
    cacheDir: single['--cache-dir'],
    timingFile: single['--timing'],
  };
}

export async function main(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
  err: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`pypi-mint-rehearse: ${e.message}`);
    return 2;
  }
  if (parsed.help) {
    out(MESSAGES.usage());
    return 0;
  }
  try {
    const cacheDir = parsed.cacheDir ?? defaultCacheDir();
    const result = parsed.gitlabProject !== undefined
      ? await rehearseGitlab({ ...parsed, gitlabProject: parsed.gitlabProject, cwd: process.cwd(), cacheDir, out })
      : await rehearse({ ...parsed, cwd: process.cwd(), cacheDir, out });
    const timing = 'timing' in result ? result.timing : undefined;
    if (parsed.timingFile !== undefined && timing !== undefined) writeFileSync(parsed.timingFile, `${JSON.stringify(timing, null, 2)}\n`);
    return result.ok ? 0 : 1;
  } catch (e) {
    if (e instanceof RehearsalRefusal) {
      err(`pypi-mint-rehearse: ${e.message}`);
      return 2;
    }
    err(`pypi-mint-rehearse: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) {
  // Ctrl-C or a kill: exit through process.exit, so the temp directories are removed ('exit' handlers run); the
  // steps' processes are in the terminal's process group and get the signal themselves
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`pypi-mint-rehearse: stopped by ${signal}\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (e: unknown) => {
    process.stderr.write(`pypi-mint-rehearse: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
