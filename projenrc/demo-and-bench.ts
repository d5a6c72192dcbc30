/**
 * `npx projen demo` and `npx projen bench`.
 */
import { cdk } from 'projen';

export function setupDemoAndBench(project: cdk.JsiiProject): void {
  // --- the demo and the benchmark -------------------------------------------------------------------------------
  project.addTask('demo', {
    description: 'Synthesize a sample Python project, start the emulator and run its publish job end to end',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json scripts/demo.ts',
    receiveArgs: true,
  });
  const benchAttest = project.addTask('bench:attest', {
    description: 'Time the bundled attest action (two distributions) against the emulator next to `node -e 0`; writes bench/attest-results.json',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/attest.ts',
    receiveArgs: true,
  });
  const benchRehearsal = project.addTask('bench:rehearsal', {
    description: 'Time a pypi:rehearse run and split it into the tools\' own time and the runner + emulator overhead; writes bench/rehearsal-results.json',
    exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/rehearsal.ts',
    receiveArgs: true,
  });
  project.addTask('bench', {
    description: 'Time the bundled actions against the emulator next to `node -e 0`, and a rehearsal\'s overhead; writes bench/*results.json',
    steps: [
      { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/bench.ts', receiveArgs: true },
      { spawn: benchAttest.name, receiveArgs: true },
      { spawn: benchRehearsal.name, receiveArgs: true },
    ],
  });
}
