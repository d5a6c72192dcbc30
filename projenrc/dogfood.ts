/**
 * Dogfood: projen's own release pipeline publishes this package's Python bindings through the retrofit (the shipped
 * mint and attest steps, an environment, twine from its hash-locked set).
 */
import { cdk } from 'projen';
import { PypiPublishRetrofit } from '../src';

export function setupDogfood(project: cdk.JsiiProject): void {
  new PypiPublishRetrofit(project, { environment: 'pypi' });
}
