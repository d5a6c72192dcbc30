/**
 * `pypi-mint-emulator [--config <file.json> | --config -]`: start the emulator, print ONE JSON line with its URLs
 * on stdout, serve until SIGINT/SIGTERM (then exit 0). A bad config exits 2 with the problems on stderr.
 */
import { readFileSync } from 'node:fs';
import { EmulatorConfigError, startEmulator } from './index';

const USAGE = `usage: pypi-mint-emulator [--config <file.json> | --config -]

Starts a loopback PyPI (audience, mint-token, /legacy/ uploads, /simple/) and a GitHub Actions OIDC issuer.
Prints one JSON line: {"indexUrl","uploadUrl","simpleUrl","audienceUrl","oidcIssuer","oidcRequestUrl","oidcRequestToken"}.
Serves until SIGINT or SIGTERM. '--config -' reads the JSON config from stdin.`;

class UsageError extends Error {}

function configSource(argv: string[]): string | undefined {
  if (argv.length === 0) return undefined;
  if (argv.length === 2 && argv[0] === '--config') return argv[1];
  if (argv.length === 1 && argv[0].startsWith('--config=')) return argv[0].slice('--config='.length);
  throw new UsageError(`unexpected arguments: ${argv.join(' ')}`);
}

function readConfig(source: string | undefined): unknown {
  if (source === undefined) return {};
  let text: string;
  try {
    text = readFileSync(source === '-' ? 0 : source, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read config ${source === '-' ? 'from stdin' : source}: ${(err as Error).message}`);
  }
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`config ${source === '-' ? 'from stdin' : source} is not valid JSON: ${(err as Error).message}`);
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let config: unknown;
  try {
    config = readConfig(configSource(argv));
  } catch (err) {
    process.stderr.write(`pypi-mint-emulator: ${(err as Error).message}\n${USAGE}\n`);
    process.exit(2);
  }
  let emulator;
  try {
    emulator = await startEmulator(config as Parameters<typeof startEmulator>[0]);
  } catch (err) {
    if (err instanceof EmulatorConfigError) {
      process.stderr.write(`pypi-mint-emulator: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`pypi-mint-emulator: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.stdout.write(`${JSON.stringify({
    indexUrl: emulator.pypiUrl,
    uploadUrl: emulator.uploadUrl,
    simpleUrl: emulator.simpleUrl,
    audienceUrl: `${emulator.pypiUrl}/_/oidc/audience`,
    oidcIssuer: emulator.oidc.issuer,
    oidcRequestUrl: emulator.oidc.requestUrl,
    oidcRequestToken: emulator.oidc.requestToken,
  })}\n`);
}

void main(process.argv.slice(2));
