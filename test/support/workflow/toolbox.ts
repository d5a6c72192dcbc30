/**
 * The tools a job's steps find on PATH, taken from `.tools/` (what `npx projen tools:install` installed, at the
 * versions of src/pins.ts). A bin directory put first on PATH holds shims: `python`/`python3`/`pip`/`pip3` -> the
 * pinned pip's environment (a runner's system Python has pip too). uv joins them only when the job's setup-uv step
 * runs; every other tool the job installs itself, for real, from PyPI. A tool made missing on purpose (the demo's
 * "only Node and npm" mode) gets a shim that fails like a missing command.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_CACHE, toolCommand } from '../../../scripts/tools/catalog';

/** Tools a job may find on the runner, or that an action like setup-uv puts there. */
const KNOWN_TOOLS = ['python', 'uv'] as const;

export interface ToolboxOptions {
  /** tool -> absolute path to use, or null to make the tool missing. Unlisted tools come from .tools/. */
  readonly tools?: Record<string, string | null>;
}

export class Toolbox {
  private readonly paths = new Map<string, string | undefined>();
  private readonly versions = new Map<string, string>();

  constructor(readonly binDir: string, options: ToolboxOptions = {}) {
    mkdirSync(binDir, { recursive: true });
    for (const tool of KNOWN_TOOLS) {
      const override = options.tools?.[tool];
      const installed = toolCommand(tool);
      this.paths.set(tool, override === null ? undefined : override ?? (existsSync(installed) ? installed : undefined));
    }
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
   * own; here it is the run's shared cache (unless the job set one), so a job does not download again what the tool
   * installer already has. The cache holds files by hash: what a job installs is still checked against its lock.
   */
  provideUv(): void {
    const uv = this.paths.get('uv');
    if (uv === undefined) return;
    this.shim('uv', `export UV_CACHE_DIR="\${UV_CACHE_DIR:-${TOOLS_CACHE}}"\nexec ${JSON.stringify(uv)} "$@"`);
    this.shim('uvx', `export UV_CACHE_DIR="\${UV_CACHE_DIR:-${TOOLS_CACHE}}"\nexec ${JSON.stringify(`${uv}x`)} "$@"`);
  }

  /** Absolute path of the real tool, or undefined when this job has none. */
  path(tool: string): string | undefined {
    return this.paths.get(tool);
  }

  /** "uv 0.13.8 (/…/.tools/bin/uv)", or undefined when the tool is missing. */
  describe(tool: string): string | undefined {
    const path = this.path(tool);
    if (path === undefined) return undefined;
    if (!this.versions.has(tool)) this.versions.set(tool, this.version(tool) ?? 'version unknown');
    return `${tool} ${this.versions.get(tool)} (${path})`;
  }

  /** What `<tool> --version` reports (e.g. '0.13.8'), or undefined. */
  version(tool: string): string | undefined {
    const path = this.path(tool);
    if (path === undefined) return undefined;
    try {
      const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', HOME: this.binDir } });
      return /\d+\.\d+[\w.+-]*/.exec(out)?.[0];
    } catch {
      // a tool that cannot report its version is still the tool; the step that uses it will show the problem
      return undefined;
    }
  }
}

function missing(name: string): string {
  return `echo "${name}: command not found" >&2\nexit 127`;
}
