/**
 * The tools a job's steps find on PATH, taken from this machine. A bin directory put first on PATH holds shims:
 * `python`/`python3` -> Debian's /usr/bin/python3 (the pyenv python on the developer's PATH cannot see Debian's
 * modules), `pip` -> `python3 -m pip`, and the uploaders where the machine has them. A tool hidden on purpose (the
 * demo's "only Node and npm" mode) gets a shim that fails like a missing command, even if /usr/bin has it.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Tools the publish job may call, with where Debian puts them. */
const KNOWN_TOOLS = ['python', 'pyproject-build', 'twine', 'poetry', 'uv', 'hatch', 'pdm', 'flit', 'maturin'] as const;
const SEARCH_DIRS = ['/usr/local/bin', '/usr/bin', '/bin'];

export interface ToolboxOptions {
  /** tool -> absolute path to use, or null to make the tool missing. Unlisted tools are looked up on this machine. */
  readonly tools?: Record<string, string | null>;
}

function findOnMachine(tool: string): string | undefined {
  const names = tool === 'python' ? ['python3'] : [tool];
  for (const dir of SEARCH_DIRS) {
    for (const n of names) {
      if (existsSync(join(dir, n))) return join(dir, n);
    }
  }
  return undefined;
}

export class Toolbox {
  private readonly paths = new Map<string, string | undefined>();
  private readonly versions = new Map<string, string>();

  constructor(readonly binDir: string, options: ToolboxOptions = {}) {
    mkdirSync(binDir, { recursive: true });
    for (const tool of KNOWN_TOOLS) {
      const override = options.tools?.[tool];
      this.paths.set(tool, override === null ? undefined : override ?? findOnMachine(tool));
    }
    for (const [tool, path] of Object.entries(options.tools ?? {})) {
      if (!this.paths.has(tool)) this.paths.set(tool, path ?? undefined);
    }
    for (const [tool, path] of this.paths) {
      const names = tool === 'python' ? ['python', 'python3'] : [tool];
      for (const name of names) {
        this.shim(name, path === undefined
          ? `echo "${name}: command not found" >&2\nexit 127`
          : `exec ${JSON.stringify(path)} "$@"`);
      }
      if (tool === 'python') {
        for (const pip of ['pip', 'pip3']) {
          this.shim(pip, path === undefined ? `echo "${pip}: command not found" >&2\nexit 127` : `exec ${JSON.stringify(path)} -m pip "$@"`);
        }
      }
    }
  }

  private shim(name: string, body: string): void {
    const file = join(this.binDir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }

  /** Absolute path of the real tool, or undefined when this job has none. */
  path(tool: string): string | undefined {
    return this.paths.get(tool);
  }

  /** "twine 4.0.2 (/usr/bin/twine)", or undefined when the tool is missing. */
  describe(tool: string): string | undefined {
    const path = this.path(tool);
    if (path === undefined) return undefined;
    if (!this.versions.has(tool)) {
      let version = 'version unknown';
      try {
        const out = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: SEARCH_DIRS.join(':'), HOME: this.binDir } });
        const found = /\d+\.\d+[\w.+-]*/.exec(out);
        version = found ? `${tool} ${found[0]}` : version;
      } catch {
        // a tool that cannot report its version is still the tool; the step that uses it will show the problem
      }
      this.versions.set(tool, version);
    }
    return `${this.versions.get(tool)} (${path})`;
  }
}
