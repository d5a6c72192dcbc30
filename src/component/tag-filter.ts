/**
 * GitHub's filter pattern syntax for `on.push.tags` / `branches` (docs: "Filter pattern cheat sheet"): `*` any run of
 * characters but `/`, `**` any run of characters, `?` zero or one and `+` one or more of the preceding character,
 * `[0-9a-z]` one character of the class, and a leading `!` that negates; in a list, later patterns win.
 */

/** GitHub's filter pattern as a regular expression (`?` and `+` quantify the preceding character, as in regex). */
export function filterPatternToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
      } else {
        re += '[^/]*';
      }
    } else if (c === '?' || c === '+') {
      re += c;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unterminated [ in filter pattern '${pattern}'`);
      re += pattern.slice(i, end + 1);
      i = end;
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`);
}

/** Apply an include list with `!` negations in order (later patterns win), as GitHub does. */
export function matchesFilters(name: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (filterPatternToRegExp(negated ? p.slice(1) : p).test(name)) matched = !negated;
  }
  return matched;
}
