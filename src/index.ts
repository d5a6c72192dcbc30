export { PypiRelease, PypiReleaseOptions, PypiReleaseTriggers } from './pypi-release';
export { PypiIndex, PypiIndexOptions, CustomPypiIndexOptions } from './indexes';
export { Uploader } from './uploaders';
export { BuildTool } from './build-tools';
export { PypiMintAction } from './mint-action';
export { TrustedPublisher } from './trusted-publisher';
export { PypiPublishRetrofit, PypiPublishRetrofitOptions } from './pypi-publish-retrofit';
