/**
 * Step 1: the audience the OIDC token must carry. The `audience` input wins. PyPI's and TestPyPI's are known
 * (`pypi` for pypi.org and upload.pypi.org, `testpypi` for test.pypi.org): no request. Any other index is asked
 * (`GET /_/oidc/audience`), and may not announce `pypi` or `testpypi`: a JWT with that audience is one PyPI itself
 * would accept, so a hostile index could use it there. Loopback hosts may (the emulator plays PyPI on them).
 * 403 means the index switched trusted publishing off; 404 means it does not support it.
 */
import type { Context } from './context';
import { AUDIENCE_PATTERN, IndexEndpoints } from './inputs';
import { failures, logs } from './messages';
import { jsonMember, unexpectedStatus } from '../kit/http';
import { KNOWN_INDEXES, audienceForHost } from '../pypi';

export async function audienceFor(ctx: Context, index: IndexEndpoints, input: string | undefined): Promise<string> {
  if (input !== undefined) {
    ctx.print.log(logs.audience(index.displayName, input, 'input'));
    return input;
  }
  const known = audienceForHost(index.audienceUrl.hostname);
  if (known !== undefined) {
    ctx.print.log(logs.audience(index.displayName, known, 'host'));
    return known;
  }
  ctx.print.log(logs.askingAudience(index.displayName, index.audienceUrl.href));
  const announced = await discoverAudience(ctx, index);
  const owner = KNOWN_INDEXES.find((k) => k.audience === announced);
  if (owner && !index.loopback) throw failures.audienceRefused(index.displayName, announced, owner.hosts[owner.hosts.length - 1]);
  ctx.print.log(logs.audience(index.displayName, announced, 'index'));
  return announced;
}

async function discoverAudience(ctx: Context, index: IndexEndpoints): Promise<string> {
  const target = `the audience endpoint of ${index.displayName} (${index.audienceUrl.href})`;
  const res = await ctx.send({ method: 'GET', url: index.audienceUrl, target });
  if (res.status === 403) throw failures.audienceDisabled(index.displayName, index.audienceUrl.pathname);
  if (res.status === 404) throw failures.audienceUnsupported(index.displayName, index.audienceUrl.pathname);
  if (res.status !== 200) throw unexpectedStatus(res, (retryable, details) => failures.audienceStatus(target, res.status, retryable, details));
  const audience = jsonMember(res.body, 'audience');
  if (typeof audience !== 'string' || !AUDIENCE_PATTERN.test(audience)) throw failures.audienceMissing(target);
  return audience;
}
