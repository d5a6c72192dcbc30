/**
 * What the runner tells us about this run through the environment, read once. Used only to explain failures:
 * a fork pull request, Dependabot, `pull_request_target`, GitHub Enterprise Server.
 */
import { readFileSync, statSync } from 'node:fs';

export interface RunContext {
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

type Env = Record<string, string | undefined>;

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

export function readRunContext(env: Env): RunContext {
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

export const isDependabot = (ctx: RunContext) => ctx.actor === 'dependabot[bot]';

/** GitHub Enterprise Server (or any non-github.com host); GHE.com tenants also get their own issuer. */
export function isEnterpriseServer(ctx: RunContext): boolean {
  if (!ctx.serverUrl) return false;
  try {
    return new URL(ctx.serverUrl).hostname.toLowerCase() !== 'github.com';
  } catch {
    return false;
  }
}
