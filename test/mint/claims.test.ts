import { projectFromFilename } from '../../src/mint/diagnose';
import { ActionFailure } from '../../src/mint/messages';
import { claimText, decodeClaims, workflowFilename } from '../../src/mint/oidc';
import { renderClaimLines, renderSummary } from '../../src/mint/report';

const renderClaimTable = (claims: Record<string, unknown>) =>
  renderSummary({ failure: new ActionFailure('internal', 't', 'm'), diagnoses: [], claims, indexName: 'pypi.org' });

const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: unknown) => `${part({ alg: 'RS256', kid: 'k' })}.${part(claims)}.c2ln`;

describe('claims', () => {
  test('decodes a JWT payload without verifying it, and refuses what is not one', () => {
    expect(decodeClaims(jwt({ aud: 'pypi', repository: 'o/r' }))).toEqual({ aud: 'pypi', repository: 'o/r' });
    expect(decodeClaims('not-a-jwt')).toBeUndefined();
    expect(decodeClaims(`${part({})}.${Buffer.from('[1]').toString('base64url')}.x`)).toBeUndefined();
    expect(decodeClaims('a.b.c.d.e')).toBeUndefined();
  });

  test('renders the claims that matter, MISSING when absent, never other claims', () => {
    const claims = {
      repository: 'octo-org/demo',
      repository_owner: 'octo-org',
      repository_owner_id: '4242',
      jti: 'secret-ish',
      job_workflow_ref: 'octo-org/demo/.github/workflows/release.yml@refs/tags/v1',
      ref: 'refs/tags/v1',
      event_name: 'push',
    };
    expect(renderClaimLines(claims)).toEqual([
      'repository: octo-org/demo',
      'repository_owner: octo-org',
      'repository_owner_id: 4242',
      'job_workflow_ref: octo-org/demo/.github/workflows/release.yml@refs/tags/v1',
      'workflow_ref: MISSING',
      'ref: refs/tags/v1',
      'environment: MISSING',
      'event_name: push',
    ]);
    const table = renderClaimTable(claims);
    expect(table).toContain('| `environment` | _MISSING_ |');
    expect(table).not.toContain('jti');
  });

  test('server-chosen claim text is kept on one line, short, and cannot break a Markdown table', () => {
    expect(claimText({ repository: 'a\nb\u0000c' }, 'repository')).toBe('a b c');
    expect(claimText({ repository: 'x'.repeat(500) }, 'repository')).toHaveLength(201);
    expect(claimText({ repository: 42 }, 'repository')).toBe('42');
    expect(renderClaimTable({ repository: 'a|b`c' })).toContain("| `repository` | `a\\|b'c` |");
  });

  test.each([
    ['octo-org/demo/.github/workflows/release.yml@refs/tags/v1.0.0', 'release.yml'],
    ['octo-org/demo/.github/workflows/publish.yaml@refs/heads/main', 'publish.yaml'],
    ['octo-org/demo/.github/workflows/release.yml@8f4b2e1c', 'release.yml'],
    ['octo-org/demo/.github/workflows/release.yml', undefined],
    ['garbage', undefined],
    [undefined, undefined],
  ])('workflow filename of %p is %p', (ref, expected) => {
    expect(workflowFilename(ref)).toBe(expected);
  });
});

describe('project names from dist/', () => {
  test.each([
    ['demo_package-1.0.0-py3-none-any.whl', 'demo-package'],
    ['demo_package-1.0.0-1-py3-none-any.whl', 'demo-package'],
    ['demo_package-1.0.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', 'demo-package'],
    ['demo_package-1.0.0.tar.gz', 'demo-package'],
    ['Demo.Package-2.0rc1.tar.gz', 'demo-package'],
    ['old-style-name-0.1.tar.gz', 'old-style-name'],
    ['README.md', undefined],
    ['demo_package-1.0.0.zip', undefined],
  ])('%s -> %p', (file, expected) => {
    expect(projectFromFilename(file)).toBe(expected);
  });
});
