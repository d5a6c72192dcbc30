// The jsii API: the three components and the values their options take. The rest of src/release is internal.
export { PypiRelease } from './release/pypi-release';
export type { PypiReleaseOptions } from './release/pypi-release';
export type { PypiReleaseTriggers } from './release/triggers';
export { PypiPublishRetrofit } from './release/retrofit';
export type { PypiPublishRetrofitOptions } from './release/retrofit';
export { PypiMintAction } from './release/mint-action';
export { PypiIndex } from './release/indexes';
export type { PypiIndexOptions, CustomPypiIndexOptions } from './release/indexes';
export { Uploader } from './release/uploader';
export { BuildTool } from './release/build-tool';
export type { TrustedPublisher } from './release/trusted-publisher';
