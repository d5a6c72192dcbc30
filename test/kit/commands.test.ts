/** The printer: every line out is a command the action built, or text that cannot become one. */
import { createPrinter } from '../../src/kit/commands';
import { Redactor } from '../../src/kit/redact';

function printed(use: (p: ReturnType<typeof createPrinter>) => void): string[] {
  const lines: string[] = [];
  use(createPrinter({ write: (l) => void lines.push(...l.split('\n')) }, new Redactor()));
  return lines;
}

test('log text: `::` after leading whitespace and `##[` anywhere are neutralised, on every line', () => {
  const lines = printed((p) => p.log('ok\n  ::warning::a\n\t::error::b\n::add-mask::c\nsee ##[group]d and ##[set-output name=x;]e'));
  expect(lines.filter((l) => /^\s*::/.test(l))).toEqual([]);
  expect(lines.filter((l) => l.includes('##['))).toEqual([]);
  expect(lines[0]).toBe('ok');
});

test('annotations: one line each, `##[` broken up, the command itself intact', () => {
  const lines = printed((p) => {
    p.error('Title ##[x]', 'first\n  ::warning::a ##[group]b');
    p.warning('W', 'text');
  });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^::error title=Title ## \[x\]::first%0A {2}::warning::a ## \[group\]b$/);
  expect(lines[1]).toBe('::warning title=W::text');
});

test('masks are printed as given (a JWT or a shape-checked token has no `#`)', () => {
  expect(printed((p) => p.mask('pypi-AbC_d-9='))).toEqual(['::add-mask::pypi-AbC_d-9=']);
});
