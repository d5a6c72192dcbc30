/** Entry point of the bundled attest action (attest/index.cjs): run, print, set the exit code, never a stack. */
import { EOL } from 'node:os';
import { runAttest } from './run';
import { isGitlabCi } from '../kit/gitlab-ci';

const io = { write: (line: string) => void process.stdout.write(`${line}${EOL}`) };
let decided: number | undefined;

function finish(code: number): void {
  decided = code;
  process.exitCode = code;
  // decided and printed: an idle keep-alive socket must not hold the job step
  setTimeout(() => process.exit(code), 500).unref();
}

function unexpected(): void {
  // no details: an error from deep inside a request could quote request data
  io.write(isGitlabCi(process.env)
    ? 'ERROR: Unexpected error in the attest step: signing failed unexpectedly; no attestation was written.'
    : '::error title=Unexpected error in the attest step::Signing failed unexpectedly; no attestation was written.');
  finish(1);
}

process.on('uncaughtException', () => (decided === undefined ? unexpected() : process.exit(decided)));
process.on('unhandledRejection', () => (decided === undefined ? unexpected() : undefined));

runAttest(process.env, io).then(finish, unexpected);
