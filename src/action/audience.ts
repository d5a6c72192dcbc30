/**
 * Step 1 of the exchange: ask the index which audience its OIDC tokens must carry (`pypi` on pypi.org, `testpypi`
 * on test.pypi.org). 403 means the index switched trusted publishing off; 404 means it does not support it.
 */
import { ActionFailure } from './errors';
import { HttpSend } from './http';
import { IndexEndpoints } from './index-url';
import { AUDIENCE_PATTERN } from './inputs';
import { jsonMember, unexpectedStatus } from './response';

export async function discoverAudience(index: IndexEndpoints, send: HttpSend): Promise<string> {
  const target = `the audience endpoint of ${index.displayName} (${index.audienceUrl.href})`;
  const res = await send({ method: 'GET', url: index.audienceUrl, target });
  if (res.status === 403) {
    throw new ActionFailure('audience-disabled', 'Trusted publishing is disabled on the index',
      `${index.displayName} answered 403 at ${index.audienceUrl.pathname}: trusted publishing is switched off there ` +
      '(PyPI does this during incidents or maintenance). Nothing is wrong with your workflow; try again later, ' +
      'and check https://status.python.org/ for pypi.org.', { status: 403 });
  }
  if (res.status === 404) {
    throw new ActionFailure('audience-unsupported', 'The index does not support trusted publishing',
      `${index.displayName} answered 404 at ${index.audienceUrl.pathname}: it does not offer trusted publishing. ` +
      'Check index-url: use https://upload.pypi.org/legacy/ for PyPI and https://test.pypi.org/legacy/ for TestPyPI; ' +
      'other indexes need a long-lived API token instead.', { status: 404 });
  }
  if (res.status !== 200) {
    throw unexpectedStatus(res, 'audience-unexpected', 'Unexpected answer from the index',
      (retryable) => `${target} answered HTTP ${res.status}${retryable ? ' (a server-side problem)' : ''}.`);
  }
  const audience = jsonMember(res.body, 'audience');
  if (typeof audience !== 'string' || !AUDIENCE_PATTERN.test(audience)) {
    throw new ActionFailure('audience-unexpected', 'Unexpected answer from the index',
      `${target} answered 200 without a usable JSON \`audience\` string. Is index-url an index that supports trusted publishing? ` +
      'You can also set the `audience` input (pypi or testpypi) to skip discovery.', { status: 200 });
  }
  return audience;
}
