/**
 * Markdown escaping for the text the action writes to a step summary. Server-chosen text (PyPI's error
 * descriptions, token claims) goes through these so it cannot open HTML tags, break a table or end a code span.
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
 * A table cell shown as code (the caller wraps it in backticks): entities would show literally inside a code span,
 * so only what would end the span or the cell changes: a backtick becomes `'`, `|` is escaped (GitHub's tables
 * split on it even inside code), line breaks become spaces.
 */
export function mdCodeCell(text: string): string {
  return text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ');
}
