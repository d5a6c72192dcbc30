/**
 * Would GitHub start this workflow for this event? `on:` in its three forms, with the `tags`/`branches` filters and
 * their glob syntax (`*`, `**`, `?`, `+`, `[0-9]`, `!` negation), and `release.types`. The harness refuses to run a
 * job whose workflow the event would not trigger, so a test cannot pass on a workflow that would never run.
 */
import type { RunContext } from './run-context';
import { filterPatternToRegExp, matchesFilters } from '../component/tag-filter';

export { filterPatternToRegExp };

function asList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The reason the workflow does not run for this event, or undefined when it does. */
export function whyNotTriggered(on: unknown, ctx: RunContext): string | undefined {
  const events: Record<string, unknown> = typeof on === 'string'
    ? { [on]: null }
    : Array.isArray(on)
      ? Object.fromEntries(on.map((e) => [String(e), null]))
      : (on as Record<string, unknown>) ?? {};
  if (!(ctx.eventName in events)) {
    return `the workflow is not triggered by '${ctx.eventName}' (on: ${Object.keys(events).join(', ')})`;
  }
  const filters = (events[ctx.eventName] ?? {}) as Record<string, unknown>;
  if (ctx.eventName === 'push') {
    const tags = asList(filters.tags);
    const tagsIgnore = asList(filters['tags-ignore']);
    const branches = asList(filters.branches);
    const branchesIgnore = asList(filters['branches-ignore']);
    const hasTagFilter = tags !== undefined || tagsIgnore !== undefined;
    const hasBranchFilter = branches !== undefined || branchesIgnore !== undefined;
    const [list, ignore, hasOwn, hasOther] = ctx.refType === 'tag'
      ? [tags, tagsIgnore, hasTagFilter, hasBranchFilter]
      : [branches, branchesIgnore, hasBranchFilter, hasTagFilter];
    // only the other kind is filtered: GitHub does not run the workflow for this kind of ref at all
    if (!hasOwn && hasOther) return `push of ${ctx.ref}: the workflow filters only ${ctx.refType === 'tag' ? 'branches' : 'tags'}`;
    if (list !== undefined && !matchesFilters(ctx.refName, list)) return `push of ${ctx.ref} matches none of ${JSON.stringify(list)}`;
    if (ignore !== undefined && matchesFilters(ctx.refName, ignore)) return `push of ${ctx.ref} is ignored by ${JSON.stringify(ignore)}`;
  }
  if (ctx.eventName === 'release') {
    const types = asList(filters.types);
    const action = String(ctx.payload.action ?? '');
    if (types !== undefined && !types.includes(action)) return `release '${action}' is not in types ${JSON.stringify(types)}`;
  }
  return undefined;
}
