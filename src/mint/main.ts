/** Entry point of the bundled mint step (action/index.cjs): the kit's entry point around `runAction`. */
import { logs } from './messages';
import { runAction } from './run';
import { isGitlabCi } from '../kit/gitlab-ci';
import { runStep } from '../kit/main';

runStep(runAction, isGitlabCi(process.env) ? logs.crashedGitlab : logs.crashed);
