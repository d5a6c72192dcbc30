/** Markdown for the step summary: text a step did not write can never leave its code span, cell or block. */
import { codeSpan, literalBlock, mdCell, mdCodeCell, mdText } from '../../src/kit/markdown';

describe('markdown', () => {
  test('prose cannot open a tag; a cell cannot split a row', () => {
    expect(mdText('<script>')).toBe('&lt;script&gt;');
    expect(mdCell('a|b\nc\r\nd')).toBe('a\\|b c d');
  });

  test('a code cell cannot end its code span', () => {
    expect(mdCodeCell('a`b|c\nd<e>')).toBe("a'b\\|c d<e>");
  });
});


test('a code span holds any text on one line; a literal block outlasts any backtick run inside', () => {
  expect(codeSpan('x` [link](https://evil.example) ![i](https://evil.example/i.png) `y')).toBe("`x' [link](https://evil.example) ![i](https://evil.example/i.png) 'y`");
  expect(literalBlock('a ```` b')).toBe('`````\na ```` b\n`````');
});
