/** Entry point of the bundled action (action/index.cjs): run, print, set the exit code. Nothing escapes as a stack. */
import { EOL } from 'node:os';
import { runAction } from './run';

const io = { write: (line: string) => void process.stdout.write(`${line}${EOL}`) };

runAction(process.env, io).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    io.write('::error title=Unexpected error in the mint action::The action failed unexpectedly and minted no token.');
    process.exitCode = 1;
  },
);
