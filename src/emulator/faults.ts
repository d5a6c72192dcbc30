/**
 * Fault injection: `inject(route, f1, f2)` makes the next two answers of `route` misbehave, then normal service
 * resumes. Used by the tests to prove the action survives (or refuses) hostile servers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ROUTES, type Fault, type Route } from './types';

export class FaultQueue {
  private readonly queues = new Map<Route, Fault[]>();

  inject(route: Route, ...faults: Fault[]): void {
    // A misspelt route would otherwise make a fault test pass without any fault ever being played.
    if (!ROUTES.includes(route)) throw new Error(`unknown route '${String(route)}' (expected one of ${ROUTES.join(', ')})`);
    const queue = this.queues.get(route) ?? [];
    queue.push(...faults);
    this.queues.set(route, queue);
  }

  clear(): void {
    this.queues.clear();
  }

  /** The fault for the request that just arrived on `route`, if one is queued. */
  next(route: Route): Fault | undefined {
    return this.queues.get(route)?.shift();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whether the fault replaces the normal answer (otherwise it only delays it). */
function replacesAnswer(fault: Fault): boolean {
  return fault.status !== undefined || fault.body !== undefined || fault.headers !== undefined ||
    fault.bodyDelayMs !== undefined || fault.reset !== undefined || fault.raw !== undefined;
}

/**
 * Play `fault` on this exchange. Returns true when the fault produced the whole answer, false when the normal
 * handler should now answer (a pure delay).
 */
export async function applyFault(fault: Fault, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (fault.delayMs) await sleep(fault.delayMs);
  if (!replacesAnswer(fault)) return false;
  req.resume();
  const socket = res.socket;
  if (fault.raw !== undefined) {
    socket?.end(fault.raw);
    return true;
  }
  if (fault.reset === 'before-headers') {
    socket?.destroy();
    return true;
  }
  const body = typeof fault.body === 'string' ? Buffer.from(fault.body) : fault.body ?? Buffer.alloc(0);
  const partial = fault.reset === 'mid-body' || fault.bodyDelayMs !== undefined;
  // Mid-body, announce the full length (at least one byte more than the first half) so the client keeps waiting.
  const announced = fault.reset === 'mid-body' ? Math.max(body.length, 1) * 2 : body.length;
  const headers: Record<string, string> = {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(announced),
    ...fault.headers,
  };
  // `content-length: ''` means none: the body goes out unannounced (chunked, with `transfer-encoding: chunked`)
  if (headers['content-length'] === '') delete headers['content-length'];
  try {
    res.writeHead(fault.status ?? 200, headers);
  } catch {
    // a header Node refuses to send (a fuzzer's control characters): a bare 500 instead
    res.writeHead(500, { 'content-length': '0' });
    res.end();
    return true;
  }
  if (!partial) {
    res.end(body);
    return true;
  }
  const half = Math.floor(body.length / 2);
  res.flushHeaders();
  // Wait until the first half has left the process, so a reset really lands mid-body.
  await new Promise<void>((resolve) => res.write(body.subarray(0, half), () => resolve()));
  if (fault.bodyDelayMs) await sleep(fault.bodyDelayMs);
  if (fault.reset === 'mid-body') {
    socket?.destroy();
    return true;
  }
  if (!res.destroyed) res.end(body.subarray(half));
  return true;
}
