/**
 * The files `actions/checkout` would put in the workspace: the repository's files, or with `sparse-checkout` only
 * the ones git's sparse rules select. Cone mode (checkout's default) keeps every file at the root, the files directly
 * in each ancestor of a listed directory, and everything under the listed directories; non-cone mode takes the
 * simple gitignore-style patterns a release workflow uses and refuses anything fancier.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';

/** Every file of the repository, as forward-slash relative paths (git's view when it is a git work tree). */
export function listRepositoryFiles(repoDir: string): string[] {
  if (existsSync(join(repoDir, '.git'))) {
    const out = execFileSync('git', ['-C', repoDir, 'ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' });
    return out.split('\0').filter((f) => f !== '' && existsSync(join(repoDir, f)));
  }
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      if (entry === '.git' || entry === 'node_modules') continue;
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(relative(repoDir, full).split('\\').join('/'));
    }
  };
  walk(repoDir);
  return files.sort();
}

function normalizeDir(p: string): string {
  return posix.normalize(p.trim().replace(/^\/+/, '').replace(/\/+$/, ''));
}

/** Git's cone-mode selection. */
export function selectCone(files: string[], dirs: string[]): string[] {
  const cones = dirs.map(normalizeDir).filter((d) => d !== '' && d !== '.');
  const ancestors = new Set<string>(['']);
  for (const d of cones) {
    const parts = d.split('/');
    for (let i = 1; i < parts.length; i++) ancestors.add(parts.slice(0, i).join('/'));
  }
  return files.filter((f) => {
    const dir = posix.dirname(f) === '.' ? '' : posix.dirname(f);
    return ancestors.has(dir) || cones.some((c) => f === c || f.startsWith(`${c}/`));
  });
}

/** Non-cone mode, for the patterns a workflow plausibly writes: `dir/`, `/dir/file`, `*.yml` within one segment. */
export function selectPatterns(files: string[], patterns: string[]): string[] {
  const regexes = patterns.map((raw) => {
    const p = raw.trim();
    if (p.startsWith('!') || p.includes('**') || p.includes('[') || p.includes('?')) {
      throw new Error(`sparse-checkout pattern '${p}' is beyond what the harness emulates`);
    }
    const anchored = p.startsWith('/') || p.replace(/\/$/, '').includes('/');
    const body = p.replace(/^\//, '');
    const isDir = body.endsWith('/');
    const glob = body.replace(/\/$/, '').split('*').map((s) => s.replace(/[.+^${}()|\\]/g, '\\$&')).join('[^/]*');
    const prefix = anchored ? '^' : '(^|/)';
    return new RegExp(`${prefix}${glob}${isDir ? '/' : '(/|$)'}`);
  });
  return files.filter((f) => regexes.some((re) => re.test(f)));
}
