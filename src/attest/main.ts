/** Entry point of the bundled attest step (attest/index.cjs): the kit's entry point around `runAttest`. */
import { logs } from './messages';
import { runAttest } from './run';
import { isGitlabCi } from '../kit/gitlab-ci';
import { runStep } from '../kit/main';

runStep((env, io) => runAttest(env, io), isGitlabCi(process.env) ? logs.crashedGitlab : logs.crashed);
