/** The pinned poetry builds and publishes to the emulator with a minted token, as a poetry project's upload step would. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPublisher, startTestEmulator } from '../../support/emulator';
import { recordOutput } from '../../support/leaks';
import { requireTool, runTool, tool, toolEnv } from '../../support/tools';
import { exchange } from '../client';

const POETRY = tool('poetry');
const maybe = requireTool('poetry') ? test : test.skip;

maybe('poetry build + poetry publish -r <repo> with POETRY_HTTP_BASIC_* credentials', async () => {
  const em = await startTestEmulator({ projects: ['poetry-sample'], publishers: [defaultPublisher(['poetry-sample'])] });
  const dir = mkdtempSync(join(tmpdir(), 'emu-poetry-'));
  mkdirSync(join(dir, 'poetry_sample'));
  writeFileSync(join(dir, 'poetry_sample', '__init__.py'), 'VERSION = "0.3.0"\n');
  writeFileSync(join(dir, 'pyproject.toml'), [
    '[tool.poetry]', 'name = "poetry-sample"', 'version = "0.3.0"', 'description = "sample"',
    'authors = ["Sample <sample@example.com>"]', 'packages = [{ include = "poetry_sample" }]', '',
    '[tool.poetry.dependencies]', 'python = ">=3.8"', '',
    '[build-system]', 'requires = ["poetry-core"]', 'build-backend = "poetry.core.masonry.api"', '',
  ].join('\n'));
  const env = toolEnv({ POETRY_VIRTUALENVS_IN_PROJECT: 'true' });
  const built = await runTool(POETRY, ['build', '--no-interaction'], { cwd: dir, env });
  recordOutput('poetry build stdout', built.stdout, true);
  recordOutput('poetry build stderr', built.stderr, false);
  expect(built.code).toBe(0);

  const token = (await exchange(em)).body.token!;
  const published = await runTool(POETRY, ['publish', '--no-interaction', '-r', 'emulator'], {
    cwd: dir,
    env: {
      ...env,
      POETRY_REPOSITORIES_EMULATOR_URL: em.uploadUrl,
      POETRY_HTTP_BASIC_EMULATOR_USERNAME: '__token__',
      POETRY_HTTP_BASIC_EMULATOR_PASSWORD: token,
    },
  });
  recordOutput('poetry publish stdout', published.stdout, true);
  recordOutput('poetry publish stderr', published.stderr, false);
  expect(published.code).toBe(0);
  expect(em.uploads().map((u) => u.filename).sort()).toEqual(['poetry_sample-0.3.0-py3-none-any.whl', 'poetry_sample-0.3.0.tar.gz']);
  expect(await (await fetch(`${em.simpleUrl}poetry-sample/`)).text()).toContain('poetry_sample-0.3.0.tar.gz#sha256=');
}, 120_000);
