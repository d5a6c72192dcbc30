/**
 * What a GitLab CI/CD job offers a shipped step instead of GitHub's runner protocol: the ID token is already in a
 * job variable (the job's `id_tokens`; no endpoint to request one, one JWT per audience per job), results go to a
 * file the next command of the job script reads, and the log is plain text (GitLab has no workflow commands and no
 * masking at run time: a step must never print a credential, and must not print `::add-mask::` either). Both steps
 * import this; it imports neither.
 */
import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { PRINT_LIMITS, type Io, type Printer } from './commands';
import type { Redactor } from './redact';

type Env = Record<string, string | undefined>;

/** GitLab sets GITLAB_CI=true in every job (https://docs.gitlab.com/ci/variables/predefined_variables/). */
export function isGitlabCi(env: Env): boolean {
  return env.GITLAB_CI === 'true' && env.GITHUB_ACTIONS !== 'true';
}

/**
 * A log line for GitLab: no escape sequences (GitLab's log renders ANSI colours and `section_start` markers, which
 * server text must not forge) and no carriage returns (which overwrite a line in the rendered log).
 */
export function gitlabLogLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b/g, '^[').replace(/\r/g, '');
}

/** Any permission for the group or others (the low six bits of the mode). */
const groupOrOtherBits = (mode: number) => mode % 0o100 !== 0;

/** Plain lines for a GitLab job log: `::error::` would show as text, and there is no runtime masking, so `mask` prints nothing. */
export function createGitlabPrinter(io: Io, redactor: Redactor): Printer {
  const out = (text: string) => {
    for (const line of text.split('\n')) io.write(gitlabLogLine(line));
  };
  return {
    mask: () => undefined,
    log: (text) => out(redactor.redact(text, PRINT_LIMITS.log)),
    warning: (title, text) => out(`WARNING: ${redactor.redact(title, 200)}\n${redactor.redact(text, PRINT_LIMITS.warning)}`),
    error: (title, text) => out(`ERROR: ${redactor.redact(title, 200)}\n${redactor.redact(text, PRINT_LIMITS.error)}`),
  };
}

/** One `export NAME='value'` line, the value single-quoted (POSIX sh: a quote becomes '\''). */
export function shellExport(name: string, value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
  return `export ${name}='${value.replace(/'/g, "'\\''")}'\n`;
}

/**
 * Writes the variables into `path`, which must be an existing, empty regular file owned by this user and readable by
 * no one else (what `mktemp` creates): the whole content in one write, so a reader never sees half of it.
 */
export function writeShellEnvFile(path: string, variables: ReadonlyArray<readonly [string, string]>): void {
  const text = variables.map(([name, value]) => shellExport(name, value)).join('');
  const fd = openSync(path, 'r+');
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (groupOrOtherBits(st.mode)) throw Object.assign(new Error('readable by others'), { code: 'EPERM' });
    if (st.size !== 0) throw Object.assign(new Error('not empty'), { code: 'EEXIST' });
    writeSync(fd, text, 0, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** Checks, before anything is requested, that `path` can take the hand-over (see writeShellEnvFile). */
export function checkShellEnvFile(path: string | undefined): 'missing' | 'not-private' | 'not-empty' | undefined {
  if (!path) return 'missing';
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch {
    return 'missing';
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return 'missing';
    if (groupOrOtherBits(st.mode)) return 'not-private';
    if (st.size !== 0) return 'not-empty';
    return undefined;
  } finally {
    closeSync(fd);
  }
}
