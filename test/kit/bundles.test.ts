/**
 * The shipped bundles' licence policy: each opens with a `/*!` comment that names every npm package esbuild put into
 * it (read from esbuild's metafile of a fresh build with the bundle task's own flags), so a new dependency cannot be
 * shipped without its licence being named.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = join(__dirname, '..', '..');

test.each([['mint', 'action/index.cjs'], ['attest', 'attest/index.cjs']])('the %s step\'s bundle names every package in it', (source, bundle) => {
  const result = buildSync({
    entryPoints: [join(ROOT, 'src', source, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    tsconfig: join(ROOT, 'src', source, 'tsconfig.json'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: 'out.cjs',
  });
  const packages = new Set(Object.keys(result.metafile!.inputs)
    .map((p) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(p)?.[1]).filter((p): p is string => p !== undefined));
  const banner = /^\/\*! (.*?) \*\//.exec(readFileSync(join(ROOT, bundle), 'utf8'))?.[1] ?? '';
  expect(banner).toMatch(/Bundled: .*Licence texts:/);
  expect([...packages].filter((p) => !banner.includes(p))).toEqual([]);
  expect(packages.size).toBeGreaterThan(1);
});
