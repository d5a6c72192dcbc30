/**
 * The project names of the distributions waiting in `dist/`, so a failure can link the exact PyPI page
 * (`/manage/project/<name>/settings/publishing/`). Names are normalised as PEP 503 does.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const normalizeProjectName = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

/** `name-1.0-py3-none-any.whl` and `name-1.0.tar.gz` (name has no `-` in both, per the wheel and sdist specs). */
export function projectFromFilename(filename: string): string | undefined {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*?)-\d[^-]*(?:-[^-]+){0,1}(?:-[^-]+-[^-]+-[^-]+\.whl|\.tar\.gz)$/.exec(filename);
  return m ? normalizeProjectName(m[1]) : undefined;
}

export function distProjects(dirs: readonly string[]): string[] {
  const names = new Set<string>();
  for (const dir of dirs) {
    let entries: string[];
    try {
      entries = readdirSync(join(dir, 'dist'));
    } catch {
      continue;
    }
    for (const f of entries.slice(0, 1000)) {
      const name = projectFromFilename(f);
      if (name) names.add(name);
    }
  }
  return [...names].sort().slice(0, 10);
}
