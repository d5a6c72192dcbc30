/**
 * Reading an endpoint's answer the same way everywhere: a JSON body that may be anything, and a status that is
 * not the one we asked for, which the retry loop retries only when it is transient.
 */
import { ActionFailure, FailureCode } from './errors';
import { HttpResponse } from './http';
import { isTransientStatus, retryAfterMs } from './retry-after';

/** The body as JSON, or undefined when it is not JSON at all. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** One member of a JSON object body; undefined when the body is not a JSON object or lacks it. */
export function jsonMember(body: Buffer, name: string): unknown {
  const parsed = parseJsonBody(body);
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[name] : undefined;
}

/** A failure for an unexpected status; `detail` says what it means, knowing whether it will be retried. */
export function unexpectedStatus(res: HttpResponse, code: FailureCode, title: string,
  detail: (retryable: boolean) => string): ActionFailure {
  const retryable = isTransientStatus(res.status);
  return new ActionFailure(code, title, detail(retryable),
    { retryable, status: res.status, retryAfterMs: retryAfterMs(res.headers) });
}
