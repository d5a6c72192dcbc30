/** Entry point of the bundled action (action/index.cjs): run, print, set the exit code. Nothing escapes as a stack. */
import { EOL } from 'node:os';
import { logs } from './messages';
import { runAction } from './run';
import { isGitlabCi } from '../kit/gitlab-ci';

const io = { write: (line: string) => void process.stdout.write(`${line}${EOL}`) };
let decided: number | undefined;

function finish(code: number): void {
  decided = code;
  process.exitCode = code;
  // The result is decided and written: a socket some server keeps open must not hold the job step hostage.
  setTimeout(() => process.exit(code), 1_000).unref();
}

function unexpected(): void {
  // no details: an error object from deep in a request could carry request data
  io.write(isGitlabCi(process.env) ? logs.crashedGitlab : logs.crashed);
  finish(1);
}

// A late error from a connection nobody listens to any more must not print a stack trace or change a decided result.
process.on('uncaughtException', () => (decided === undefined ? unexpected() : process.exit(decided)));
process.on('unhandledRejection', () => (decided === undefined ? unexpected() : undefined));

runAction(process.env, io).then(finish, unexpected);
