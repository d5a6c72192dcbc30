/**
 * The emulator as a user runs it: its bundled CLI (`npx projen bundle:emulator` -> lib/emulator/cli.cjs) in a process
 * of its own, started with arguments and ready once it has printed its one JSON line of URLs. The CLI tests and the
 * bench both drive it through here.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const EMULATOR_CLI = join(__dirname, '..', '..', 'lib', 'emulator', 'cli.cjs');

export interface EmulatorCliUrls {
  readonly indexUrl: string;
  readonly uploadUrl: string;
  readonly simpleUrl: string;
  readonly audienceUrl: string;
  readonly oidcIssuer: string;
  readonly oidcRequestUrl: string;
  readonly oidcRequestToken: string;
  /** Fulcio and Rekor stand-ins (same listener) and the trusted root that verifies what they sign. */
  readonly fulcioUrl: string;
  readonly rekorUrl: string;
  readonly trustedRootUrl: string;
}

export interface StartedEmulatorCli {
  readonly child: ChildProcessWithoutNullStreams;
  readonly urls: EmulatorCliUrls & Record<string, string>;
  /** Everything the CLI printed so far. */
  stdout(): string;
  stderr(): string;
}

/** Spawn the CLI and wait for its one JSON line; rejects if it exits (or prints non-JSON) first. */
export function startEmulatorCli(node: string, args: string[]): Promise<StartedEmulatorCli> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [EMULATOR_CLI, ...args]);
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) {
        try {
          const urls = JSON.parse(out.slice(0, newline)) as EmulatorCliUrls & Record<string, string>;
          resolve({ child, urls, stdout: () => out, stderr: () => err });
        } catch (e) {
          reject(e);
        }
      }
    });
    child.on('exit', (code) => reject(new Error(`the emulator CLI exited (${code}) before printing its URLs: ${err}`)));
  });
}

/** Resolves with how the child ended. */
export function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
}
