/**
 * Installed for every test file (jest `setupFilesAfterEnv`): after the file's tests, scan everything they captured.
 * A leak fails the suite even when every assertion passed.
 */
import { assertNoLeaks } from './leaks';

afterAll(() => {
  assertNoLeaks();
});
