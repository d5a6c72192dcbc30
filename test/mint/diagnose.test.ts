/** Which explanation a failure gets, and how failures are rendered (annotation text and step-summary Markdown). */
import { liveServerText } from './harness';
import type { RunnerContext } from '../../src/mint/context';
import { diagnose, DiagnosisInput, runWarnings } from '../../src/mint/diagnose';
import { resolveIndexUrl } from '../../src/mint/inputs';
import { ActionFailure } from '../../src/mint/messages';
import { renderAnnotation, renderSummary } from '../../src/mint/report';

const REF = 'refs/tags/v1.0.0';
const claims = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'pypi',
  jti: 'the-jti',
  repository: 'octo-org/demo',
  repository_owner: 'octo-org',
  repository_owner_id: '4242',
  job_workflow_ref: `octo-org/demo/.github/workflows/release.yml@${REF}`,
  workflow_ref: `octo-org/demo/.github/workflows/release.yml@${REF}`,
  ref: REF,
  environment: 'pypi',
  event_name: 'push',
};
const ctx: RunnerContext = { fromFork: false, serverUrl: 'https://github.com' };
const pypi = resolveIndexUrl('');
const rejected = (code: string, description: string) =>
  new ActionFailure('mint-rejected', 'PyPI refused the token exchange', `pypi.org refused:\n  * ${code}: ${description}`, { indexErrors: [{ code, description }] });
const input = (over: Partial<DiagnosisInput>): DiagnosisInput => ({ runner: ctx, index: pypi, projects: [], claims, ...over });
const titles = (over: Partial<DiagnosisInput>) => diagnose(input(over)).map((d) => d.title);

describe('diagnose', () => {
  test('missing permission, fork pull request and Dependabot are told apart', () => {
    const failure = new ActionFailure('missing-id-token-permission', 'No OIDC token available', 'no token');
    expect(titles({ failure, claims: undefined })).toEqual(['Missing `id-token: write`']);
    expect(titles({ failure, claims: undefined, runner: { ...ctx, eventName: 'pull_request', fromFork: true } })).toEqual(['Pull request from a fork']);
    expect(titles({ failure, claims: undefined, runner: { ...ctx, eventName: 'pull_request', actor: 'dependabot[bot]' } })).toEqual(['Run triggered by Dependabot']);
    // a fork flag outside a pull_request event is not a fork PR
    expect(titles({ failure, claims: undefined, runner: { ...ctx, eventName: 'push', fromFork: true } })).toEqual(['Missing `id-token: write`']);
  });

  test('issuer: GHES by server URL, or a non-github.com issuer on PyPI; the emulator\'s own issuer is fine', () => {
    const failure = rejected('invalid-publisher', 'valid token, but no corresponding publisher (x)');
    expect(titles({ failure, runner: { ...ctx, serverUrl: 'https://ghes.corp.example' } })).toContain('OIDC issuer not trusted by PyPI');
    expect(titles({ failure, claims: { ...claims, iss: 'https://token.actions.githubusercontent.com/acme' } })).toContain('OIDC issuer not trusted by PyPI');
    expect(titles({ failure, index: resolveIndexUrl('http://127.0.0.1:1/'), claims: { ...claims, iss: 'http://127.0.0.1:2' } }))
      .not.toContain('OIDC issuer not trusted by PyPI');
    expect(titles({ failure })).not.toContain('OIDC issuer not trusted by PyPI');
  });

  test('GitLab: PyPI\'s unknown issuer is explained with the way out; the step\'s own refusal of the instance gets no second copy', () => {
    const gitlabClaims = { iss: 'https://gitlab.example.com', aud: 'pypi', project_path: 'octo-group/demo' };
    const unknown = diagnose(input({ gitlab: true, claims: gitlabClaims, failure: rejected('invalid-payload', 'unknown trusted publishing issuer') }));
    const issuer = unknown.find((d) => d.title === 'GitLab instance not trusted by this index');
    expect(issuer?.text.join(' ')).toContain('Release from a gitlab.com project instead');
    const refused = new ActionFailure('gitlab-untrusted-instance', 'This GitLab instance cannot publish to PyPI', 'x');
    expect(diagnose(input({ gitlab: true, claims: gitlabClaims, failure: refused })).map((d) => d.title)).not.toContain('GitLab instance not trusted by this index');
  });

  test.each([
    ['invalid-token', 'malformed or invalid token', 'Token not accepted'],
    ['not-enabled', 'github trusted publishing functionality not enabled', 'GitHub trusted publishing disabled by the index'],
    ['invalid-reuse-token', 'invalid token: already used', 'Token already used'],
    ['invalid-pending-publisher', 'valid token, but project already exists', 'Pending publisher for an existing project'],
    ['invalid-publisher', "valid token, but no corresponding publisher (Check failed for optional claim 'environment')", 'Environment mismatch'],
    ['invalid-payload', 'unknown trusted publishing issuer', 'OIDC issuer not trusted by PyPI'],
  ])('%s gets %p', (code, description, title) => {
    expect(titles({ failure: rejected(code, description) })).toContain(title);
  });

  test('the publisher form uses pypi.org (not upload.pypi.org) and lists every project found in dist/', () => {
    const [d] = diagnose(input({ failure: rejected('invalid-publisher', 'x'), projects: ['a-pkg', 'b-pkg'] }));
    expect(d.settings?.fields).toEqual([['Owner', 'octo-org'], ['Repository name', 'demo'], ['Workflow name', 'release.yml'], ['Environment name', 'pypi']]);
    expect(d.settings?.pages.map((p) => p.url)).toEqual([
      'https://pypi.org/manage/project/a-pkg/settings/publishing/',
      'https://pypi.org/manage/project/b-pkg/settings/publishing/',
      'https://pypi.org/manage/account/publishing/',
    ]);
  });

  test('without an OIDC token the form falls back to the runner\'s own context', () => {
    const [d] = diagnose(input({
      failure: rejected('invalid-publisher', 'x'),
      claims: undefined,
      runner: { ...ctx, repository: 'octo-org/demo', repositoryOwner: 'octo-org', workflowRef: `octo-org/demo/.github/workflows/ship.yml@${REF}` },
    }));
    expect(d.settings?.fields.slice(0, 3)).toEqual([['Owner', 'octo-org'], ['Repository name', 'demo'], ['Workflow name', 'ship.yml']]);
  });

  test('warnings: pull_request_target (from the env, before any token) and reusable workflows', () => {
    expect(runWarnings(undefined, { ...ctx, eventName: 'pull_request_target' }).map((w) => w.title)).toEqual(['Publishing from pull_request_target']);
    expect(runWarnings({ ...claims, job_workflow_ref: 'o/shared/.github/workflows/x.yml@main' }, ctx).map((w) => w.title)).toEqual(['Reusable workflow']);
    expect(runWarnings(claims, ctx)).toEqual([]);
  });
});

describe('rendering', () => {
  const failure = rejected('invalid-publisher', 'no publisher <script>alert(1)</script> | pipe');
  const report = { failure, claims, indexName: 'pypi.org', diagnoses: diagnose(input({ failure })) };

  test('the annotation carries the reasons, the form and the claims that matter, never the raw token claims', () => {
    const text = renderAnnotation(report);
    expect(text).toContain('invalid-publisher: no publisher');
    expect(text).toContain('  Workflow name: `release.yml`');
    expect(text).toContain('  repository_owner_id: 4242');
    expect(text).not.toContain('the-jti');
    expect(text).toContain('https://docs.pypi.org/trusted-publishers/troubleshooting/');
  });

  test('the summary is Markdown that server text cannot break', () => {
    const md = renderSummary(report);
    expect(md).toContain('| `invalid-publisher` | `no publisher <script>alert(1)</script> \\| pipe` |');
    expect(md).toContain('| Workflow name | `release.yml` |');
    expect(md).toContain('| `environment` | `pypi` |');
    expect(md).not.toContain('the-jti');
  });

  test('server text renders as code in the summary: no link, image, emphasis, mention or HTML', () => {
    const evil = '[Re-register here](https://evil.example/MARK) ![i](https://evil.example/MARK.png) *MARK* _MARK_ ' +
      '~~MARK~~ @MARK <b>MARK</b> https://MARK.example www.MARK.example `MARK` ``MARK`` | MARK\n# MARK';
    const hostile = rejected('invalid-publisher', evil);
    const hostileClaims = { ...claims, environment: '<img src=x>MARK`', repository: '[MARK](https://evil.example)' };
    const md = renderSummary({
      failure: hostile,
      claims: hostileClaims,
      indexName: 'pypi.org',
      diagnoses: diagnose(input({ failure: hostile, claims: hostileClaims })),
    });
    expect(md).toContain('MARK');
    expect(liveServerText(md, 'MARK')).toEqual([]);
  });
});
