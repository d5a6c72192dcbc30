/**
 * The tools a job's steps find on PATH, as the caller hands them in (this repository's tests and demo: the pinned
 * tools of `.tools/`). A bin directory put first on PATH holds shims: `python`/`python3`/`pip`/`pip3` -> the given
 * Python (a runner's system Python has pip too). uv joins them only when the job's setup-uv step runs; every other
 * tool the job installs itself, for real. A tool not given, or given as null (the demo's "only Node and npm" mode),
 * gets a shim that fails like a missing command.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Tools a job may find on the runner, or that an action like setup-uv puts there. */
const KNOWN_TOOLS = ['python', 'uv'] as const;

export interface ToolboxOptions {
  /** tool (`python`, `uv`) -> absolute path to use; null or unlisted: the job does not have it. */
  readonly tools?: Record<string, string | null>;
  /** UV_CACHE_DIR for the uv that setup-uv's stand-in provides (unless the job sets one). */
  readonly uvCacheDir: string;
}

export class Toolbox {
  private readonly paths = new Map<string, string | undefined>();
  private readonly versions = new Map<string, string>();

  private readonly uvCacheDir: string;

  constructor(readonly binDir: string, options: ToolboxOptions) {
    mkdirSync(binDir, { recursive: true });
    this.uvCacheDir = options.uvCacheDir;
    for (const tool of KNOWN_TOOLS) this.paths.set(tool, options.tools?.[tool] ?? undefined);
    const python = this.paths.get('python');
    for (const name of ['python', 'python3']) this.shim(name, python === undefined ? missing(name) : `exec ${JSON.stringify(python)} "$@"`);
    for (const pip of ['pip', 'pip3']) this.shim(pip, python === undefined ? missing(pip) : `exec ${JSON.stringify(python)} -m pip "$@"`);
    if (this.paths.get('uv') === undefined) this.shim('uv', missing('uv'));
  }

  private shim(name: string, body: string): void {
    const file = join(this.binDir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }

  /**
   * Put uv on the job's PATH, as astral-sh/setup-uv does. That action also points UV_CACHE_DIR at a directory of its
   * own; here it is the caller's (a run-wide cache, so a job does not download again what an earlier one did), unless
   * the job set one. The cache holds files by hash: what a job installs is still checked against its lock.
   */
  provideUv(): void {
    const uv = this.paths.get('uv');
    if (uv === undefined) return;
    const cache = `export UV_CACHE_DIR="\${UV_CACHE_DIR:-${this.uvCacheDir}}"`;
    this.shim('uv', `${cache}\nexec ${JSON.stringify(uv)} "$@"`);
    this.shim('uvx', `${cache}\nexec ${JSON.stringify(`${uv}x`)} "$@"`);
  }

  /** Absolute path of the real tool, or undefined when this job has none. */
  path(tool: string): string | undefined {
    return this.paths.get(tool);
  }

  /** "uv 0.13.8 (/…/bin/uv)", or undefined when the tool is missing. */
  describe(tool: string): string | undefined {
    const path = this.path(tool);
    if (path === undefined) return undefined;
    if (!this.versions.has(tool)) this.versions.set(tool, this.version(tool) ?? 'version unknown');
    return `${tool} ${this.versions.get(tool)} (${path})`;
  }

  /** What `<tool> --version` reports (e.g. '0.13.8'), or undefined. Asked once per binary in a process. */
  version(tool: string): string | undefined {
    const path = this.path(tool);
    if (path === undefined) return undefined;
    if (!REPORTED_VERSIONS.has(path)) REPORTED_VERSIONS.set(path, this.askVersion(path));
    return REPORTED_VERSIONS.get(path);
  }

  private askVersion(path: string): string | undefined {
    try {
      const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', HOME: this.binDir } });
      return /\d+\.\d+[\w.+-]*/.exec(out)?.[0];
    } catch {
      // a tool that cannot report its version is still the tool; the step that uses it will show the problem
      return undefined;
    }
  }
}

/** Binary path -> the version it reported: a job's setup-uv stand-in asks once per run, not once per job. */
const REPORTED_VERSIONS = new Map<string, string | undefined>();

function missing(name: string): string {
  return `echo "${name}: command not found" >&2\nexit 127`;
}
