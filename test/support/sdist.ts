/** The files of the one sdist in a directory, relative to its top directory. */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function sdistMembers(dir: string): string[] {
  const sdists = readdirSync(dir).filter((f) => f.endsWith('.tar.gz'));
  if (sdists.length !== 1) throw new Error(`expected one sdist in ${dir}, found ${sdists.join(', ') || 'none'}`);
  return execFileSync('tar', ['-tzf', join(dir, sdists[0])], { encoding: 'utf8' })
    .split('\n').filter((l) => l !== '' && !l.endsWith('/')).map((l) => l.split('/').slice(1).join('/')).sort();
}
