export * from './pypi-release';
export * from './pypi-publish-retrofit';
export * from './indexes';
export * from './uploaders';
export * from './build-tools';
export * from './mint-action';
export * from './trusted-publisher';
