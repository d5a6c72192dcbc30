/**
 * Markdown for the step summary. Text a step did not write (server text, certificate fields, file names, claims)
 * appears only inside code spans, code cells or fenced blocks built here, so it can never render as a link, image,
 * emphasis, mention or HTML, whatever backticks or pipes it holds.
 */

/** Prose: `<` and `>` as entities, so no HTML tag opens. */
export function mdText(text: string): string {
  return text.replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A table cell of prose: as mdText, plus `|` escaped and line breaks as spaces (a row is one line). */
export function mdCell(text: string): string {
  return mdText(text).replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

/**
 * The inside of a code span in a table cell: entities would show literally inside a code span, so only what would
 * end the span or the cell changes: a backtick becomes `'`, `|` is escaped (GitHub's tables split on it even inside
 * code), line breaks become spaces.
 */
export function mdCodeCell(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}

/** Any text as a code span (in prose or in a table cell), on one line; a backtick cannot end it early. */
export const codeSpan = (text: string) => `\`${mdCodeCell(text)}\``;

/** Our own prose with code spans in it: `<` and `>` as text outside the spans, the spans left alone. */
export const prose = (s: string) => s.split(/(`[^`\n]*`)/).map((part, i) => (i % 2 === 1 ? part : mdText(part))).join('');

/** Any text, shown literally: a fenced code block whose fence is longer than any run of backticks inside. */
export function literalBlock(text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return [fence, text, fence].join('\n');
}
