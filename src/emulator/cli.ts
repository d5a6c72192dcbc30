/**
 * `pypi-mint-emulator [--config <file.json> | --config -] [--trusted-root <file>]`: start the emulator, print ONE
 * JSON line with its URLs on stdout, serve until SIGINT/SIGTERM/SIGHUP or until the process that started it exits (then
 * exit 0; `npx pypi-mint-emulator &` and `kill $!` stop it although the PID is npm's). A bad config exits 2 with the
 * problems on stderr.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EmulatorConfigError, startEmulator } from './index';

const USAGE = `usage: pypi-mint-emulator [--config <file.json> | --config -] [--trusted-root <file>]

Starts a loopback PyPI (audience, mint-token, /legacy/ uploads, /simple/, /integrity/), GitHub Actions' and GitLab's OIDC
issuers and Sigstore stand-ins (Fulcio, Rekor).
Prints one JSON line: {"indexUrl","uploadUrl","simpleUrl","audienceUrl","oidcIssuer","oidcRequestUrl",
"oidcRequestToken","gitlabIssuer","gitlabIdTokenUrl","fulcioUrl","rekorUrl","trustedRootUrl"}.
Serves until SIGINT, SIGTERM or SIGHUP, or until the process that started it exits (npx included). '--config -' reads the JSON config from stdin. '--trusted-root <file>' also
writes the Sigstore trusted root (trusted_root.json) that verifies what the stand-ins sign, before the line.`;

class UsageError extends Error {}

interface Options {
  config?: string;
  trustedRoot?: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {};
  const names: Record<string, keyof Options> = { '--config': 'config', '--trusted-root': 'trustedRoot' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = names[flag];
    if (!key || options[key] !== undefined) throw new UsageError(`unexpected arguments: ${argv.join(' ')}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
    options[key] = value;
  }
  return options;
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
  let options: Options;
  try {
    options = parseOptions(argv);
    config = readConfig(options.config);
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
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  // `npx pypi-mint-emulator &` then `kill $!` stops npm, not this process (npm does not pass the signal on): when the
  // process that started us is gone (we were handed to another parent), stop too
  const parent = process.ppid;
  if (parent > 1) {
    setInterval(() => {
      if (process.ppid !== parent) stop();
    }, 250).unref();
  }
  if (options.trustedRoot !== undefined) {
    try {
      writeFileSync(options.trustedRoot, `${JSON.stringify(emulator.sigstore.trustedRoot(), null, 2)}\n`);
    } catch (err) {
      process.stderr.write(`pypi-mint-emulator: cannot write the trusted root: ${(err as Error).message}\n`);
      await emulator.close();
      process.exit(1);
    }
  }
  process.stdout.write(`${JSON.stringify({
    indexUrl: emulator.pypiUrl,
    uploadUrl: emulator.uploadUrl,
    simpleUrl: emulator.simpleUrl,
    audienceUrl: `${emulator.pypiUrl}/_/oidc/audience`,
    oidcIssuer: emulator.oidc.issuer,
    oidcRequestUrl: emulator.oidc.requestUrl,
    oidcRequestToken: emulator.oidc.requestToken,
    gitlabIssuer: emulator.gitlab.issuer,
    gitlabIdTokenUrl: emulator.gitlab.idTokenUrl,
    fulcioUrl: emulator.sigstore.fulcioUrl,
    rekorUrl: emulator.sigstore.rekorUrl,
    trustedRootUrl: emulator.sigstore.trustedRootUrl,
  })}\n`);
}

void main(process.argv.slice(2));
