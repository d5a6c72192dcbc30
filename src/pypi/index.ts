/**
 * Client-side PyPI facts, defined once for the component (compiled by jsii) and the mint action (bundled by
 * esbuild): no projen, no Node-only APIs. Re-exported here; nothing here is part of the jsii API.
 */
export * from './hosts';
export * from './names';
export * from './publisher-form';
export * from './uploaders';
export * from './gitlab';
export * from './verifier';
