/**
 * What the mint step's stages share (the run's context) and what the runner says about the run (used only to explain
 * failures). A module of its own so the stages and run.ts, which calls them, import it and not each other.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Printer } from '../kit/commands';
import type { Env } from '../kit/failure';
import type { HttpSend } from '../kit/http';
import type { Redactor } from '../kit/redact';

/** What every step of a run shares. */
export interface Context {
  readonly env: Env;
  readonly now: () => number;
  /** Cuts every credential seen so far out of text the action did not write itself. */
  readonly redactor: Redactor;
  readonly print: Printer;
  readonly send: HttpSend;
}

// --- the run, as the runner describes it (only used to explain failures) -----------------------------------------

export interface RunnerContext {
  readonly eventName?: string;
  /** `pull_request.head.repo.fork` of the event payload. */
  readonly fromFork: boolean;
  readonly actor?: string;
  /** `GITHUB_SERVER_URL`; github.com unless the run is on GitHub Enterprise Server. */
  readonly serverUrl?: string;
  readonly repository?: string;
  readonly repositoryOwner?: string;
  readonly workflowRef?: string;
}

const MAX_EVENT_BYTES = 4 * 1024 * 1024;

function readForkFlag(path: string | undefined): boolean {
  if (!path) return false;
  try {
    if (statSync(path).size > MAX_EVENT_BYTES) return false;
    const event = JSON.parse(readFileSync(path, 'utf8')) as { pull_request?: { head?: { repo?: { fork?: unknown } } } };
    return event?.pull_request?.head?.repo?.fork === true;
  } catch {
    return false;
  }
}

export function readRunner(env: Env): RunnerContext {
  return {
    eventName: env.GITHUB_EVENT_NAME || undefined,
    fromFork: readForkFlag(env.GITHUB_EVENT_PATH),
    actor: env.GITHUB_ACTOR || env.GITHUB_TRIGGERING_ACTOR || undefined,
    serverUrl: env.GITHUB_SERVER_URL || undefined,
    repository: env.GITHUB_REPOSITORY || undefined,
    repositoryOwner: env.GITHUB_REPOSITORY_OWNER || undefined,
    workflowRef: env.GITHUB_WORKFLOW_REF || undefined,
  };
}
