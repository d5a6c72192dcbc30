/**
 * Whatever a client sends to mint-token, the emulator answers PyPI's 422 envelope (or 200 for a real token): never a
 * 500, never a hang, never its input echoed back.
 */
import fc from 'fast-check';
import type { Emulator } from '../../../src/emulator';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { recordOutput } from '../../support/leaks';
import { mintRaw, requestJwt } from '../client';

let em: Emulator;
let realJwt: string;
beforeAll(async () => {
  em = await startTestEmulator({ publishers: [defaultPublisher()] });
  realJwt = await requestJwt(em);
});

const CODES = ['invalid-payload', 'invalid-token', 'invalid-publisher', 'invalid-reuse-token'];

/** Bodies around the real shape: random JSON, random strings as `token`, and mutations of a real JWT. */
function bodies(): fc.Arbitrary<string> {
  const mutatedJwt = fc.tuple(fc.nat(), fc.string({ minLength: 1, maxLength: 4 })).map(([at, s]) => {
    const i = at % realJwt.length;
    return realJwt.slice(0, i) + s + realJwt.slice(i + 1);
  });
  const segments = fc.array(fc.base64String({ maxLength: 60 }), { minLength: 1, maxLength: 4 }).map((p) => p.join('.'));
  return fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.json({ maxDepth: 3 }),
    fc.oneof(fc.string({ maxLength: 300 }), segments, mutatedJwt, fc.anything()).map((token) => JSON.stringify({ token }) ?? '{}'),
  );
}

test('every body gets a well-formed 422 (or 200), nothing echoed', async () => {
  await fc.assert(fc.asyncProperty(bodies(), async (body) => {
    const answer = await mintRaw(em, body);
    const text = JSON.stringify(answer.body);
    if (answer.status === 200) {
      expect(answer.body.token).toMatch(/^pypi-/);
      return;
    }
    recordOutput('mint fuzz refusal', text, false);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toBe('Token request failed');
    expect(answer.body.errors).toHaveLength(1);
    expect(CODES).toContain(answer.body.errors![0].code);
    if (body.length > 12) expect(text).not.toContain(body.slice(1, -1));
  }), { numRuns: 300 });
});
