/**
 * Errors are values: every way the action can fail has a stable code, a short title (the annotation title) and a
 * user-facing message that says what happened and what to do. Only `run.ts` turns them into output and an exit code.
 */

/** One entry of PyPI's 422 body: `{"errors": [{"code": "...", "description": "..."}]}`. */
export interface IndexError {
  readonly code: string;
  readonly description: string;
}

export type FailureCode =
  | 'missing-github-output'
  | 'invalid-input'
  | 'invalid-index-url'
  | 'missing-id-token-permission'
  | 'audience-disabled'
  | 'audience-unsupported'
  | 'audience-unexpected'
  | 'oidc-request-failed'
  | 'oidc-invalid-response'
  | 'oidc-wrong-audience'
  | 'mint-rejected'
  | 'mint-unexpected-status'
  | 'mint-invalid-response'
  | 'redirect-refused'
  | 'response-too-large'
  | 'timeout'
  | 'network'
  | 'protocol-error'
  | 'deadline-exceeded'
  | 'export-failed'
  | 'internal';

export interface FailureDetails {
  /** Transient: another attempt (with a fresh JWT) may succeed. */
  readonly retryable?: boolean;
  /** The server asked us to wait this long (Retry-After), already parsed. */
  readonly retryAfterMs?: number;
  /** HTTP status of the response that caused the failure, when there was one. */
  readonly status?: number;
  /** PyPI's own reasons, from a 422 body. */
  readonly indexErrors?: readonly IndexError[];
}

export class ActionFailure extends Error {
  public readonly retryable: boolean;
  public readonly retryAfterMs?: number;
  public readonly status?: number;
  public readonly indexErrors: readonly IndexError[];

  constructor(
    public readonly code: FailureCode,
    public readonly title: string,
    message: string,
    details: FailureDetails = {},
  ) {
    super(message);
    this.name = 'ActionFailure';
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.status = details.status;
    this.indexErrors = details.indexErrors ?? [];
  }
}

/** Anything thrown that is not an ActionFailure is a bug: report it without its stack (it could hold request data). */
export function asFailure(err: unknown): ActionFailure {
  if (err instanceof ActionFailure) return err;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ActionFailure('internal', 'Unexpected error in the mint action',
    `The action hit an unexpected error and stopped without minting a token (${what.slice(0, 300)}). ` +
    'Please report it with the log of this step.');
}
