// The jsii API: the three components and the values their options take. The rest of src/component is internal.
export { PypiRelease } from './component/pypi-release';
export { PypiGitlabRelease } from './component/gitlab-release';
export type { GitlabTrustedPublisher, PypiGitlabReleaseOptions } from './component/gitlab-release';
export type { PypiReleaseOptions } from './component/pypi-release';
export type { PypiReleaseTriggers } from './component/triggers';
export { PypiPublishRetrofit } from './component/retrofit';
export type { PypiPublishRetrofitOptions } from './component/retrofit';
export { PypiMintAction } from './component/mint-action';
export { PypiAttestAction } from './component/attest-action';
export { PypiIndex } from './component/indexes';
export type { PypiIndexOptions, CustomPypiIndexOptions } from './component/indexes';
export { Uploader } from './component/uploader';
export { BuildTool } from './component/build-tool';
export { VendoredStepsReference } from './component/vendored-steps';
export type { TrustedPublisher } from './component/trusted-publisher';
