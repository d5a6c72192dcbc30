/**
 * The entry point of a bundled step: run, print, set the exit code. Nothing escapes as a stack (an error object from
 * deep inside a request could carry request data), and a late error from a connection nobody listens to any more
 * cannot change a decided result or keep the job step waiting.
 */
import { EOL } from 'node:os';
import type { Io } from './commands';

export const stdoutIo: Io = { write: (line: string) => void process.stdout.write(`${line}${EOL}`) };

/** `crashLine` is the step's own `::error` line for an unexpected failure (no details). */
export function runStep(run: (env: NodeJS.ProcessEnv, io: Io) => Promise<number>, crashLine: string): void {
  let decided: number | undefined;
  const finish = (code: number) => {
    decided = code;
    process.exitCode = code;
    // The result is decided and written: a socket some server keeps open must not hold the job step hostage.
    setTimeout(() => process.exit(code), 1_000).unref();
  };
  const unexpected = () => {
    stdoutIo.write(crashLine);
    finish(1);
  };
  process.on('uncaughtException', () => (decided === undefined ? unexpected() : process.exit(decided)));
  process.on('unhandledRejection', () => (decided === undefined ? unexpected() : undefined));
  run(process.env, stdoutIo).then(finish, unexpected);
}
