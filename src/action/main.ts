/** Entry point of the bundled action (action/index.cjs): run, print, set the exit code. Nothing escapes as a stack. */
import { EOL } from 'node:os';
import { runAction } from './run';

const io = { write: (line: string) => void process.stdout.write(`${line}${EOL}`) };

function finish(code: number): void {
  process.exitCode = code;
  // The result is decided and written: a socket some server keeps open must not hold the job step hostage.
  setTimeout(() => process.exit(code), 1_000).unref();
}

runAction(process.env, io).then(finish, () => {
  io.write('::error title=Unexpected error in the mint action::The action failed unexpectedly and minted no token.');
  finish(1);
});
