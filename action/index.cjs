/*! projen-pypi-mint mint step (Apache-2.0). Bundled: @actions/core (MIT, Copyright GitHub); jose (MIT, Copyright Filip Skokan). Licence texts: https://www.apache.org/licenses/LICENSE-2.0, https://opensource.org/license/mit */
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// node_modules/@actions/core/lib/utils.js
var utils_exports = {};
__export(utils_exports, {
  toCommandProperties: () => toCommandProperties,
  toCommandValue: () => toCommandValue
});
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
}
function toCommandProperties(annotationProperties) {
  if (!Object.keys(annotationProperties).length) {
    return {};
  }
  return {
    title: annotationProperties.title,
    file: annotationProperties.file,
    line: annotationProperties.startLine,
    endLine: annotationProperties.endLine,
    col: annotationProperties.startColumn,
    endColumn: annotationProperties.endColumn
  };
}
var init_utils = __esm({
  "node_modules/@actions/core/lib/utils.js"() {
    "use strict";
  }
});

// node_modules/@actions/core/lib/file-command.js
var file_command_exports = {};
__export(file_command_exports, {
  issueFileCommand: () => issueFileCommand,
  prepareKeyValueMessage: () => prepareKeyValueMessage
});
function issueFileCommand(command2, message) {
  const filePath = process.env[`GITHUB_${command2}`];
  if (!filePath) {
    throw new Error(`Unable to find environment variable for file command ${command2}`);
  }
  if (!fs.existsSync(filePath)) {
    throw new Error(`Missing file at path: ${filePath}`);
  }
  fs.appendFileSync(filePath, `${toCommandValue(message)}${os.EOL}`, {
    encoding: "utf8"
  });
}
function prepareKeyValueMessage(key, value) {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
  const convertedValue = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (convertedValue.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${os.EOL}${convertedValue}${os.EOL}${delimiter}`;
}
var crypto, fs, os;
var init_file_command = __esm({
  "node_modules/@actions/core/lib/file-command.js"() {
    "use strict";
    crypto = __toESM(require("crypto"), 1);
    fs = __toESM(require("fs"), 1);
    os = __toESM(require("os"), 1);
    init_utils();
  }
});

// src/kit/failure.ts
var OUT_OF_TIME = "deadline-exceeded";

// src/kit/markdown.ts
function mdText(text) {
  return text.replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
function mdCodeCell(text) {
  return text.replace(/`/g, "'").replace(/\|/g, "\\|").replace(/\r?\n|\r/g, " ");
}
var codeSpan = (text) => `\`${mdCodeCell(text)}\``;
var prose = (s) => s.split(/(`[^`\n]*`)/).map((part, i) => i % 2 === 1 ? part : mdText(part)).join("");
function literalBlock(text) {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return [fence, text, fence].join("\n");
}

// src/kit/words.ts
var plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
var retryWords = {
  gaveUp: (attempts, reason) => `(gave up after ${plural(attempts, "attempt")}: ${reason})`,
  retryLimit: "retry limit reached",
  pastDeadline: (totalMs) => `the next attempt would pass the ${Math.round(totalMs / 1e3)} s time limit`
};
var OUT_OF_TIME_TITLE = "Time limit reached";
var urlWords = {
  tooLong: (what, length, max) => `${what} is ${length} characters long; at most ${max} are accepted.`,
  controlCharacters: (what) => `${what} contains whitespace or control characters (CR, LF, tab...).`,
  nonAscii: (what) => `${what} contains non-ASCII characters; write an internationalised host name in its ASCII (punycode) form.`,
  notAbsolute: (what, raw) => `${what} is not an absolute URL: '${raw.slice(0, 200)}'.`,
  credentials: (what) => `${what} must not contain a user name or password; trusted publishing needs no stored credentials.`,
  plainHttp: (what, host) => `${what} uses http:// with the non-loopback host '${host}'. Use https:// (plain http is accepted only for 127.0.0.0/8, ::1 and localhost, where test stand-ins run).`,
  scheme: (what, scheme) => `${what} uses the scheme '${scheme}'; only https:// is accepted.`
};
function transportWords(say, redirectHint) {
  const make = (said2) => say.make({ retryable: false, ...said2 });
  return {
    isFailure: say.isFailure,
    deadline: (target) => make({ code: OUT_OF_TIME, title: OUT_OF_TIME_TITLE, message: `No time left to contact ${target}.` }),
    timeout: (target, ms) => make({ code: "timeout", title: "Request timed out", message: `${target} did not answer within ${(ms / 1e3).toFixed(1)} s.`, retryable: true }),
    protocol: (target, detail) => make({ code: "protocol-error", title: "Malformed HTTP response", message: `${target} sent a response that is not valid HTTP (${detail}).` }),
    hostNotFound: (target, host, detail) => make({ code: "host-not-found", title: "Host not found", message: `${target}: the host name ${host} does not resolve (${detail}).` }),
    network: (target, detail, retryable) => make({ code: "network", title: "Network error", message: `The connection to ${target} failed (${detail}).`, retryable }),
    tls: (target, detail) => make({
      code: "tls",
      title: "Certificate not trusted",
      message: `The TLS connection to ${target} failed (${detail}); nothing was sent. The step always verifies certificates (NODE_TLS_REJECT_UNAUTHORIZED cannot switch that off); a corporate CA goes in NODE_EXTRA_CA_CERTS.`
    }),
    tooLarge: (target, maxBytes, status) => make({
      code: "response-too-large",
      title: "Response too large",
      message: `${target} sent more than ${Math.round(maxBytes / 1024)} KiB; the step reads at most that much and stopped.`,
      status
    }),
    redirect: (target, status, where) => make({
      code: "redirect-refused",
      title: "Redirect refused",
      message: `${target} answered ${status}, a redirect to ${where}. The step never follows redirects, so a credential cannot be re-sent to another place; ${redirectHint}.`,
      status
    }),
    redirectWhere: { unnamed: "an unnamed location", unparseable: "an unparseable location", sameHost: " (same host)" },
    proxyNotAUrl: () => make({ code: "proxy-invalid", title: "Unusable proxy setting", message: "The proxy URL in HTTP(S)_PROXY is not a valid URL.", setup: true }),
    proxyScheme: (scheme) => make({
      code: "proxy-invalid",
      setup: true,
      title: "Unusable proxy setting",
      message: `The proxy URL in HTTP(S)_PROXY uses '${scheme}'; only http:// and https:// proxies are supported.`
    }),
    proxyRefused: (proxyHost, status, authority) => make({
      code: "proxy-refused",
      title: "The proxy refused the connection",
      message: `The proxy ${proxyHost} answered ${status} to CONNECT ${authority}${status === 407 ? " (it wants credentials: put them in the proxy URL)" : ""}.`,
      retryable: status >= 500,
      status
    }),
    viaProxy: (f, proxyHost) => say.withSuffix(f, ` (through the proxy ${proxyHost})`)
  };
}
function oidcRequestWords(say, destination, refused) {
  return {
    url: urlWords,
    status: (target, status, retryable, details) => say.make({
      code: "oidc-request-failed",
      title: "OIDC token request failed",
      message: `${target} answered HTTP ${status}${retryable ? "" : `; ${refused}`}.`,
      retryable,
      status,
      retryAfterMs: details.retryAfterMs
    }),
    noValue: (target) => say.make({
      code: "oidc-invalid-response",
      title: "Invalid OIDC token response",
      retryable: false,
      message: `${target} answered 200 without a string \`value\` in a JSON body; no OIDC token was issued.`
    }),
    notAJwt: (target) => say.make({
      code: "oidc-invalid-response",
      title: "Invalid OIDC token response",
      retryable: false,
      message: `${target} returned a value that is not a JWT; it was not sent anywhere.`
    }),
    wrongAudience: (got, wanted) => say.make({
      code: "oidc-wrong-audience",
      title: "OIDC token has the wrong audience",
      retryable: false,
      message: `GitHub issued a token for audience ${got === void 0 ? "MISSING" : codeSpan(got)} instead of '${wanted}'. It was not sent to ${destination}. This happens when ACTIONS_ID_TOKEN_REQUEST_URL is rewritten by a proxy or a wrapper that drops the audience parameter.`
    }),
    unusableUrl: (message) => say.make({ code: "oidc-request-failed", title: "Unusable ACTIONS_ID_TOKEN_REQUEST_URL", message, retryable: false, setup: true })
  };
}
var GITLAB_ID_TOKENS_DOCS = "https://docs.gitlab.com/ci/yaml/#id_tokens";
function idTokenVariableWords(say, variable, to) {
  return {
    noValue: () => say.make({
      code: "missing-id-token",
      title: "No ID token in this job",
      retryable: false,
      setup: true,
      message: `The job has no ${variable} variable. GitLab gives a job an OIDC token only for the entries of its \`id_tokens\`; add one with the audience ${to.audience} to the publishing job (only that job):
  id_tokens:
    ${variable}:
      aud: ${to.audience}
See ${GITLAB_ID_TOKENS_DOCS}`
    }),
    notAJwt: () => say.make({
      code: "oidc-invalid-response",
      title: "Invalid ID token",
      retryable: false,
      setup: true,
      message: `${variable} does not hold a JWT; it was not sent anywhere. Is the variable set by the job's \`id_tokens\`, or overridden by a CI/CD variable of the same name?`
    }),
    wrongAudience: (got) => say.make({
      code: "oidc-wrong-audience",
      title: "ID token has the wrong audience",
      retryable: false,
      setup: true,
      message: `${variable} is a token for audience ${got === void 0 ? "MISSING" : codeSpan(got)}, and ${to.expecter} expects '${to.audience}'. It was not sent to ${to.destination}. Set \`aud: ${to.audience}\` on that entry of the job's \`id_tokens\`.`
    })
  };
}

// src/pypi/hosts.ts
var PYPI = {
  name: "pypi",
  displayName: "PyPI",
  uploadUrl: "https://upload.pypi.org/legacy/",
  webUrl: "https://pypi.org",
  audience: "pypi",
  hosts: ["upload.pypi.org", "pypi.org"]
};
var TESTPYPI = {
  name: "testpypi",
  displayName: "TestPyPI",
  uploadUrl: "https://test.pypi.org/legacy/",
  webUrl: "https://test.pypi.org",
  audience: "testpypi",
  hosts: ["test.pypi.org"]
};
var KNOWN_INDEXES = [PYPI, TESTPYPI];
var OIDC_AUDIENCE_PATH = "/_/oidc/audience";
var OIDC_MINT_TOKEN_PATH = "/_/oidc/mint-token";
var TROUBLESHOOTING_URL = "https://docs.pypi.org/trusted-publishers/troubleshooting/";
function knownIndexForHost(hostname) {
  const host = hostname.toLowerCase();
  return KNOWN_INDEXES.find((index) => index.hosts.includes(host));
}
function audienceForHost(hostname) {
  return knownIndexForHost(hostname)?.audience;
}

// src/pypi/names.ts
function normalizeProjectName(name) {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

// src/pypi/publisher-form.ts
var PUBLISHER_FORM_LABELS = {
  owner: "Owner",
  repositoryName: "Repository name",
  workflowFileName: "Workflow name",
  environment: "Environment name"
};
function publisherFormFields(values) {
  return [
    [PUBLISHER_FORM_LABELS.owner, values.owner],
    [PUBLISHER_FORM_LABELS.repositoryName, values.repositoryName],
    [PUBLISHER_FORM_LABELS.workflowFileName, values.workflowFileName],
    [PUBLISHER_FORM_LABELS.environment, values.environment]
  ];
}
function splitRepository(repository) {
  const slash = repository.indexOf("/");
  return slash < 0 ? { repositoryName: repository } : { owner: repository.slice(0, slash), repositoryName: repository.slice(slash + 1) };
}
function projectPublishingUrl(webRoot, projectName) {
  return `${webRoot}/manage/project/${projectName}/settings/publishing/`;
}
function pendingPublisherUrl(webRoot) {
  return `${webRoot}/manage/account/publishing/`;
}

// src/pypi/uploaders.ts
var UPLOADER_NAMES = ["twine", "uv", "poetry", "hatch", "pdm", "flit", "maturin"];
var TOKEN_USERNAME = "__token__";
var POETRY_DEFAULT_REPOSITORY = "pypi";
function poetryEnvName(setting) {
  return `POETRY_${setting.split(".").map((part) => part.toUpperCase().replace(/-/g, "_")).join("_")}`;
}
function uploaderEnv(tool, token, uploadUrl, options = {}) {
  const secret = (name) => ({ name, value: token, secret: true });
  const plain = (name, value) => ({ name, value, secret: false });
  switch (tool) {
    case "twine":
      return [plain("TWINE_USERNAME", TOKEN_USERNAME), secret("TWINE_PASSWORD"), plain("TWINE_REPOSITORY_URL", uploadUrl)];
    case "uv":
      return [secret("UV_PUBLISH_TOKEN"), plain("UV_PUBLISH_URL", uploadUrl)];
    case "poetry": {
      const repo = options.poetryRepository ?? POETRY_DEFAULT_REPOSITORY;
      const tokenVar = secret(poetryEnvName(`pypi-token.${repo}`));
      return repo === POETRY_DEFAULT_REPOSITORY ? [tokenVar] : [tokenVar, plain(poetryEnvName(`repositories.${repo}.url`), uploadUrl)];
    }
    case "hatch":
      return [plain("HATCH_INDEX_USER", TOKEN_USERNAME), secret("HATCH_INDEX_AUTH"), plain("HATCH_INDEX_REPO", uploadUrl)];
    case "pdm":
      return [plain("PDM_PUBLISH_USERNAME", TOKEN_USERNAME), secret("PDM_PUBLISH_PASSWORD"), plain("PDM_PUBLISH_REPO", uploadUrl)];
    case "flit":
      return [plain("FLIT_USERNAME", TOKEN_USERNAME), secret("FLIT_PASSWORD"), plain("FLIT_INDEX_URL", uploadUrl)];
    case "maturin":
      return [secret("MATURIN_PYPI_TOKEN"), plain("MATURIN_REPOSITORY_URL", uploadUrl)];
  }
}

// src/pypi/gitlab.ts
var GITLAB_ISSUER = "https://gitlab.com";
var GITLAB_ID_TOKEN_VARIABLES = {
  /** For the index (its audience: `pypi`, `testpypi`, ...): read by the mint step. */
  index: "PYPI_ID_TOKEN",
  /** Audience `sigstore`: read by the attest step, as sigstore-python reads it too. */
  sigstore: "SIGSTORE_ID_TOKEN"
};
var GITLAB_MINT_OUTPUT_VARIABLE = "PYPI_MINT_OUTPUT";
var GITLAB_CLAIMS_THAT_MATTER = [
  "project_path",
  "namespace_path",
  "ci_config_ref_uri",
  "ref_path",
  "sha",
  "environment",
  "pipeline_source"
];
var GITLAB_PUBLISHER_FORM_LABELS = {
  namespace: "Namespace",
  project: "Project name",
  workflowFilepath: "Top-level pipeline file path",
  environment: "Environment name"
};
function gitlabPublisherFormFields(values) {
  return [
    [GITLAB_PUBLISHER_FORM_LABELS.namespace, values.namespace],
    [GITLAB_PUBLISHER_FORM_LABELS.project, values.project],
    [GITLAB_PUBLISHER_FORM_LABELS.workflowFilepath, values.workflowFilepath],
    [GITLAB_PUBLISHER_FORM_LABELS.environment, values.environment]
  ];
}
function splitProjectPath(projectPath) {
  const slash = projectPath.lastIndexOf("/");
  return slash < 0 ? { project: projectPath } : { namespace: projectPath.slice(0, slash), project: projectPath.slice(slash + 1) };
}
function pipelineFilepath(ciConfigRefUri) {
  return ciConfigRefUri ? /(?<=\/\/)(.*[^/]\.(yml|yaml))(?=@)/.exec(ciConfigRefUri)?.[0] : void 0;
}
function gitlabPublisherFromClaims(claim) {
  const path = claim("project_path");
  const split = path === void 0 ? void 0 : splitProjectPath(path);
  return {
    namespace: split?.namespace,
    project: split?.project,
    workflowFilepath: pipelineFilepath(claim("ci_config_ref_uri")),
    environment: claim("environment")
  };
}

// src/mint/messages.ts
var TROUBLESHOOTING = TROUBLESHOOTING_URL;
var PYPI_HOST = new URL(PYPI.webUrl).host;
var TESTPYPI_HOST = new URL(TESTPYPI.webUrl).host;
var PERMISSIONS_DOCS = "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings";
var STATUS_PAGE = "https://status.python.org/";
var code = (value) => `\`${value.replace(/`/g, "'").replace(/[\r\n]+/g, " ")}\``;
var selfManagedWhy = (indexName, gitlabIssuer) => `${indexName} trusts GitLab CI/CD ID tokens from ${gitlabIssuer} only: its GitLab publishers expect gitlab.com in the token's \`ci_config_ref_uri\`, so it refuses a self-managed instance's tokens, and Sigstore's public Fulcio certifies no self-managed instance either.`;
var SELF_MANAGED_WHAT_TO_DO = "Release from a gitlab.com project instead (a mirror of the repository on gitlab.com, with PypiGitlabRelease's projectPath set to its path), or publish with an API token from a job of your own.";
var ActionFailure = class _ActionFailure extends Error {
  // eslint-disable-next-line @typescript-eslint/no-shadow
  constructor(code2, title, message, details = {}) {
    super(message);
    this.code = code2;
    this.title = title;
    this.name = "ActionFailure";
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.status = details.status;
    this.indexErrors = details.indexErrors ?? [];
    this.retryNote = details.retryNote;
  }
  code;
  title;
  retryable;
  retryAfterMs;
  status;
  indexErrors;
  retryNote;
  /** The same failure, with more said at the end (retries given up, the proxy it went through). */
  withSuffix(suffix, details = {}) {
    return new _ActionFailure(this.code, this.title, `${this.message}${suffix}`, {
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      status: this.status,
      indexErrors: this.indexErrors,
      retryNote: this.retryNote,
      ...details
    });
  }
};
var failures = {
  internal: (what) => new ActionFailure(
    "internal",
    "Unexpected error in the mint action",
    `The action hit an unexpected error and stopped without minting a token (${what.slice(0, 300)}). Please report it with the log of this step.`
  ),
  // the runner's files and inputs
  missingOutputFile: (path) => new ActionFailure(
    "missing-github-output",
    "GITHUB_OUTPUT is not available",
    `${path ? `GITHUB_OUTPUT names a file that does not exist (${path.slice(0, 200)})` : "GITHUB_OUTPUT is not set"}. The action hands the token over only through the step output file and refuses to run without it (older tools fall back to printing outputs in the log). Run it as a step of a GitHub Actions job, on a current runner.`
  ),
  missingEnvFile: () => new ActionFailure(
    "invalid-input",
    "export-env without GITHUB_ENV",
    "export-env asks for environment variables, but GITHUB_ENV is not set or names no file: nothing was requested."
  ),
  unwritable: (what, errno) => new ActionFailure(
    "export-failed",
    `Could not write ${what}`,
    `Writing ${what} failed${errno ? ` (${errno})` : ""}; no token was handed over.`
  ),
  invalidInput: (input, message) => new ActionFailure("invalid-input", `Invalid ${input} input`, message),
  invalidAudienceInput: () => failures.invalidInput("audience", `audience must be a short identifier (letters, digits and . _ : / -), e.g. \`${PYPI.audience}\` or \`${TESTPYPI.audience}\`; leave it empty to use the index's own.`),
  unknownExportTool: (item, tools) => failures.invalidInput(
    "export-env",
    `export-env names '${item.slice(0, 60)}', which is not a tool the action knows. Use a comma separated list of: ${tools.join(", ")} (poetry may name its repository: poetry:<name>). Leave it empty to only set the step output \`api-token\` (the safer choice).`
  ),
  poetryNeedsRepository: (indexName) => failures.invalidInput("export-env", `poetry needs a repository name for ${indexName}: write \`poetry:<name>\` and publish with \`poetry publish -r <name>\`.`),
  poetryRepositoryName: (repo) => failures.invalidInput(
    "export-env",
    `poetry repository name '${repo.slice(0, 60)}' may use only letters, digits and _.`
  ),
  invalidUrl: (message) => new ActionFailure("invalid-index-url", "Invalid index-url input", message),
  // (the kit's rules every URL that receives a credential must pass, and index-url's own)
  url: {
    ...urlWords,
    queryOrFragment: (raw) => `index-url '${raw}' must not have a query or a fragment.`,
    notAnIndex: (raw, simple) => `index-url '${raw}' is neither an upload URL ending in /legacy/ nor an index root (https://host/).${simple ? " That is the simple (download) index; give the upload URL (…/legacy/) instead." : ""}`
  },
  // GitLab CI/CD jobs
  gitlabOutputFile: (variable, problem) => new ActionFailure(
    "missing-mint-output",
    `${variable} is not usable`,
    `${problem === "missing" ? `${variable} is not set or names no file` : problem === "not-private" ? `${variable} names a file that other users can read` : `${variable} names a file that is not empty`}. In a GitLab job the step hands the token over only through a new private file that the upload command reads and deletes: create it with \`export ${variable}="$(mktemp)"\` just before this step. Nothing was requested.`
  ),
  gitlabUntrustedInstance: (source, value, indexName, gitlabIssuer) => new ActionFailure(
    "gitlab-untrusted-instance",
    "This GitLab instance cannot publish to PyPI",
    `${source === "iss" ? `This job's ID token was issued by ${code(value)}` : `This job runs on ${code(value)} (CI_SERVER_HOST)`}, not ${new URL(gitlabIssuer).host}. ${selfManagedWhy(indexName, gitlabIssuer)} ${SELF_MANAGED_WHAT_TO_DO} Nothing was sent to the index.`
  ),
  missingIdToken: (missing) => new ActionFailure(
    "missing-id-token-permission",
    "No OIDC token available",
    `GitHub gave this job no way to request an OIDC token (${missing.join(" and ")} not set).`
  ),
  // step 1: the audience
  audienceDisabled: (indexName, path) => new ActionFailure(
    "audience-disabled",
    "Trusted publishing is disabled on the index",
    `${indexName} answered 403 at ${path}: trusted publishing is switched off there (PyPI does this during incidents or maintenance). Nothing is wrong with your workflow; try again later, and check ${STATUS_PAGE} for ${PYPI_HOST}.`,
    { status: 403 }
  ),
  audienceUnsupported: (indexName, path) => new ActionFailure(
    "audience-unsupported",
    "The index does not support trusted publishing",
    `${indexName} answered 404 at ${path}: it does not offer trusted publishing. Check index-url: use ${PYPI.uploadUrl} for ${PYPI.displayName} and ${TESTPYPI.uploadUrl} for ${TESTPYPI.displayName}; other indexes need a long-lived API token instead.`,
    { status: 404 }
  ),
  audienceStatus: (target, status, retryable, details) => new ActionFailure(
    "audience-unexpected",
    "Unexpected answer from the index",
    `${target} answered HTTP ${status}${retryable ? " (a server-side problem)" : ""}.`,
    { ...details, retryable, status }
  ),
  audienceMissing: (target) => new ActionFailure(
    "audience-unexpected",
    "Unexpected answer from the index",
    `${target} answered 200 without a usable JSON \`audience\` string. Is index-url an index that supports trusted publishing? You can also set the \`audience\` input to skip discovery.`,
    { status: 200 }
  ),
  audienceRefused: (host, audience, ownerHost) => new ActionFailure(
    "audience-refused",
    "Audience refused",
    `${host} announced the audience ${code(audience)}, which belongs to ${ownerHost}: an OIDC token for it would be accepted there, so it is not requested for another host. If ${host} really expects it, say so with the input \`audience: ${audience}\`.`
  ),
  // step 2, the OIDC token: the kit's words (oidcWords below)
  // step 3: the exchange
  mintRejected: (indexName, errors) => new ActionFailure(
    "mint-rejected",
    "PyPI refused the token exchange",
    errors.length > 0 ? `${indexName} refused to mint a token:
${errors.map((e) => `  * ${e.code}: ${e.description}`).join("\n")}` : `${indexName} answered 422 without PyPI's \`errors\` list.`,
    { status: 422, indexErrors: errors, retryable: errors.some((e) => e.code === "invalid-reuse-token") }
  ),
  mintStatus: (target, status, custom, retryable, details) => new ActionFailure(
    "mint-unexpected-status",
    "Unexpected answer from the index",
    `${target} answered HTTP ${status}.${status >= 500 ? ` This is a problem on the index side; wait a few minutes and try again${custom ? "." : ` (status: ${STATUS_PAGE}).`}` : ""}`,
    { ...details, retryable, status }
  ),
  mintInvalid: (target, why) => new ActionFailure(
    "mint-invalid-response",
    "Invalid token response",
    `${target} answered 200 but ${why}. No token was exported. This suggests a misconfigured index or a proxy in the way.`,
    { status: 200 }
  ),
  mintWhy: {
    notJson: "the body is not JSON",
    tokenType: (type) => `\`token\` is ${type}`,
    tokenShape: "the token is not `pypi-` followed by a macaroon in base64url",
    expires: "`expires` is not a unix time in seconds"
  }
};
var said = {
  make: (f) => new ActionFailure(f.code, f.title, f.message, { retryable: f.retryable, status: f.status, retryAfterMs: f.retryAfterMs }),
  isFailure: (err) => err instanceof ActionFailure,
  withSuffix: (f, suffix) => f.withSuffix(suffix)
};
var httpWords = transportWords(said, "point index-url at the final address");
var oidcWords = {
  ...oidcRequestWords(said, "the index", "the runner refused to issue an OIDC token for this job"),
  url: failures.url
};
var gitlabIdTokenWords = (variable, audience) => idTokenVariableWords(said, variable, { audience, expecter: "this index", destination: "the index" });
var logs = {
  retrying: (f, attempt, delayMs) => `Attempt ${attempt} failed (${f.code}: ${f.message.split("\n")[0].replace(/\.$/, "")}); retrying in ${(delayMs / 1e3).toFixed(1)} s with a fresh OIDC token.`,
  askingAudience: (indexName, url) => `Asking ${indexName} for its trusted-publishing audience (${url})`,
  audience: (indexName, audience, from) => `Index ${indexName}, audience '${audience}'${from === "input" ? " (from the audience input)" : from === "host" ? ` (${indexName}'s own)` : ""}`,
  gotGitlabIdToken: (projectPath, pipelineFile, variable, mintUrl) => `Using the job's ID token ${variable} for ${projectPath} (${pipelineFile}); exchanging it at ${mintUrl}`,
  retryingSameToken: (f, attempt, delayMs) => `Attempt ${attempt} failed (${f.code}: ${f.message.split("\n")[0].replace(/\.$/, "")}); retrying in ${(delayMs / 1e3).toFixed(1)} s with the same ID token (GitLab issues one per job).`,
  mintedToFile: (indexName, expiresIso, names, variable) => `Minted a PyPI token for ${indexName}, valid until ${expiresIso}; ${names.join(", ")} written to the file named by ${variable}.`,
  gotOidcToken: (repository, workflow, mintUrl) => `Got an OIDC token for ${repository} (${workflow}); exchanging it at ${mintUrl}`,
  minted: (indexName, expiresIso, exported) => `Minted a PyPI token for ${indexName}, valid until ${expiresIso}; it is in the step output api-token${exported.length ? ` and in ${exported.join(", ")}` : ""}.`,
  crashed: "::error title=Unexpected error in the mint action::The action failed unexpectedly and minted no token.",
  crashedGitlab: "ERROR: Unexpected error in the mint step: it failed unexpectedly and minted no token."
};
var explanations = {
  pullRequestTarget: () => ({
    id: "pullRequestTarget",
    title: "Publishing from pull_request_target",
    text: ["This run was triggered by `pull_request_target`, which PyPI refuses for trusted publishing: such runs execute with the base repository's permissions on behalf of a pull request, a known way to publish attacker code. Publish from a tag push, a release, or workflow_dispatch instead."]
  }),
  reusableWorkflow: (caller, own, ownFile) => ({
    id: "reusableWorkflow",
    title: "Reusable workflow",
    text: [`This job runs in a reusable workflow: it was called by ${code(caller)} but its own file is ${code(own)}. PyPI matches the publisher on the job's own file (${code(ownFile ?? "?")}), and supports reusable workflows only by accident (same repository, same ref). Put the mint and upload steps in a top-level workflow file and register that file on PyPI. See ${TROUBLESHOOTING}#reusable-workflows-on-github`]
  }),
  forkPullRequest: (eventName) => ({
    id: "forkPullRequest",
    title: "Pull request from a fork",
    text: [`This run is a ${code(eventName)} from a fork. GitHub gives such runs no OIDC token, even with \`id-token: write\`, so nothing can be published from them (that is the point). Publish from an event forks cannot trigger: a tag push, a release, or workflow_dispatch.`]
  }),
  dependabot: () => ({
    id: "dependabot",
    title: "Run triggered by Dependabot",
    text: ["This run was triggered by Dependabot. GitHub treats Dependabot runs like fork pull requests: read-only token, no secrets and no OIDC token. Publish from a tag push, a release or workflow_dispatch instead."]
  }),
  missingPermission: (missing) => ({
    id: "missingPermission",
    title: "Missing `id-token: write`",
    text: [
      `${missing.join(" and ")} ${missing.length > 1 ? "are" : "is"} not set: the job was not allowed to request an OIDC token. Give the publishing job (only that job) this permission:`,
      "  permissions:\n    id-token: write",
      `See ${PERMISSIONS_DOCS}`
    ]
  }),
  untrustedIssuer: (iss, enterpriseUrl, githubIssuer) => ({
    id: "untrustedIssuer",
    title: "OIDC issuer not trusted by PyPI",
    text: [`This run's OIDC tokens come from ${iss ? code(iss) : "a non-github.com issuer"}${enterpriseUrl ? ` (GitHub Enterprise Server at ${code(enterpriseUrl)})` : ""}. PyPI trusts only ${code(githubIssuer)}: GitHub Enterprise Server and GHE.com tenants with their own issuer cannot use trusted publishing yet (pypi/warehouse#18970, #17700). Publish from a github.com repository, or use an API token.`]
  }),
  tokenNotAccepted: (audienceInput, indexName) => ({
    id: "tokenNotAccepted",
    title: "Token not accepted",
    text: [
      "PyPI could not verify the OIDC token: its signature, audience (`aud`) or time claims (`iat`, `nbf`, `exp`, 30 s leeway) did not check out.",
      ...audienceInput ? [`You set the audience input to ${code(audienceInput)}; ${indexName} may expect another one (${PYPI_HOST}: \`${PYPI.audience}\`, ${TESTPYPI_HOST}: \`${TESTPYPI.audience}\`). Leave \`audience\` empty to use the index's own.`] : [],
      "A self-hosted runner with a wrong clock also causes this."
    ]
  }),
  githubDisabled: (indexName) => ({
    id: "githubDisabled",
    title: "GitHub trusted publishing disabled by the index",
    text: [`${indexName} has switched off trusted publishing from GitHub for now. Nothing is wrong with your setup; try again later (${STATUS_PAGE}).`]
  }),
  reusedToken: () => ({
    id: "reusedToken",
    title: "Token already used",
    text: ["Each OIDC token can be exchanged once. The action asked GitHub for a fresh token for every attempt, and the index still saw each as reused: another process may be replaying this job's tokens, or the index's replay cache is misbehaving. Re-run the job; if it persists, report it to the index."]
  }),
  gitlabReusedToken: () => ({
    id: "gitlabReusedToken",
    title: "ID token already used",
    text: ["GitLab gives a job one ID token per `id_tokens` entry, when the job starts, and PyPI accepts each token once (its `jti`). This job's token was already exchanged (an earlier attempt whose answer was lost, or another command of this job), and no fresh one can be had inside the job. Retry the job: the new job gets a new token."]
  }),
  gitlabUntrustedIssuer: (iss, gitlabIssuer, indexName) => ({
    id: "gitlabUntrustedIssuer",
    title: "GitLab instance not trusted by this index",
    text: [`This job's ID token comes from ${iss ? code(iss) : "an unknown issuer"}. ${selfManagedWhy(indexName, gitlabIssuer)} ` + SELF_MANAGED_WHAT_TO_DO]
  }),
  gitlabEnvironmentMismatch: (environment) => ({
    id: "gitlabEnvironmentMismatch",
    title: "Environment mismatch",
    text: [environment === void 0 ? "The publisher on PyPI names an environment, but this job has none. Add `environment: <name>` to the publishing job, or clear the environment on PyPI." : `This job runs in the environment ${code(environment)}, which is not the one the publisher on PyPI names. For GitLab, PyPI compares environment names exactly (case included); a publisher with no environment accepts any.`]
  }),
  pendingForExisting: () => ({
    id: "pendingForExisting",
    title: "Pending publisher for an existing project",
    text: ["A pending publisher matched this run, but its project already exists on the index. Pending publishers only create new projects: add the publisher on the existing project's publishing page instead."]
  }),
  environmentMismatch: (environment) => ({
    id: "environmentMismatch",
    title: "Environment mismatch",
    text: [environment === void 0 ? "The publisher on PyPI names a GitHub environment, but this job runs in none. Add `environment: <name>` to the publishing job, or clear the environment on PyPI." : `This job runs in the environment ${code(environment)}, which is not the one the publisher on PyPI names. PyPI compares environment names case-insensitively; a publisher with no environment accepts any.`]
  }),
  noPublisher: () => ({
    id: "noPublisher",
    title: "No trusted publisher matches this run",
    text: ["PyPI found no trusted publisher for these claims. Check for a typo, a renamed repository or workflow file, or a publisher added on PyPI while this workflow publishes to TestPyPI (or the reverse): they are separate."]
  })
};
var labels = {
  formIntro: (indexName) => `Add a trusted publisher (GitHub) on ${indexName} with exactly these values for this run:`,
  gitlabFormIntro: (indexName) => `Add a trusted publisher (GitLab) on ${indexName} with exactly these values for this run:`,
  noEnvironment: "(leave empty: this job runs in no environment)",
  unknown: "(unknown)",
  where: "Where:",
  existingProject: (name) => `existing project ${name}`,
  newProject: (pendingName) => `new project (a pending publisher${pendingName ? ` with PyPI Project Name ${code(pendingName)}` : ""})`,
  claimsIntro: "Claims of this run's OIDC token (for debugging; do not copy them into PyPI unless they are what you expect):",
  claimsHeading: "Claims of this run's OIDC token",
  claimsNote: "_Shown for debugging (never the token itself). Do not copy them into PyPI unless they are what you expect._",
  missing: "MISSING",
  moreHelp: `More help: ${TROUBLESHOOTING}`,
  failedHeading: (title) => `PyPI trusted publishing failed: ${title}`,
  errorCode: "Error code:",
  reasonsHeading: (indexName) => `Reasons given by ${indexName}`,
  mintedHeading: "PyPI trusted publishing: token minted",
  minted: (indexName, audience, expiresIso) => `A token for ${indexName} (audience ${code(audience)}) was minted; it expires at ${expiresIso}.`,
  handedOver: (exported) => `It is available as the step output \`api-token\`${exported.length ? ` and, as asked, in ${exported.map(code).join(", ")}` : ""}.`
};

// src/kit/inputs.ts
function readInput(env, name) {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, "_")}`] ?? "").trim();
}
function isLoopbackHost(hostname) {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}
var MAX_URL_LENGTH = 2048;
function requireSecureUrl(raw, what, fail, say) {
  if (raw.length > MAX_URL_LENGTH) throw fail(say.tooLong(what, raw.length, MAX_URL_LENGTH));
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) throw fail(say.controlCharacters(what));
  if (/[^\x21-\x7e]/.test(raw)) throw fail(say.nonAscii(what));
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw fail(say.notAbsolute(what, raw));
  }
  if (url.username || url.password) throw fail(say.credentials(what));
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) throw fail(say.plainHttp(what, url.hostname));
  } else if (url.protocol !== "https:") {
    throw fail(say.scheme(what, url.protocol.replace(/:$/, "")));
  }
  return url;
}

// src/mint/inputs.ts
function readInputs(env) {
  const index = resolveIndexUrl(readInput(env, "index-url"));
  return {
    index,
    audience: parseAudience(readInput(env, "audience")),
    exportEnv: parseExportEnv(readInput(env, "export-env"), index)
  };
}
var requireSecureUrl2 = (raw, what, fail) => requireSecureUrl(raw, what, fail, failures.url);
function resolveIndexUrl(input) {
  const raw = input.trim() === "" ? PYPI.uploadUrl : input.trim();
  const url = requireSecureUrl2(raw, `index-url '${raw.slice(0, 200)}'`, failures.invalidUrl);
  if (url.search || url.hash) throw failures.invalidUrl(failures.url.queryOrFragment(raw));
  const path = url.pathname.replace(/\/+$/, "");
  const isUpload = /\/legacy$/.test(path);
  if (!isUpload && path !== "") throw failures.invalidUrl(failures.url.notAnIndex(raw, /\/simple$/.test(path)));
  const known = knownIndexForHost(url.hostname);
  const kind = known?.name ?? "custom";
  const origin = url.origin;
  let uploadUrl = isUpload ? `${origin}${path}/` : `${origin}/legacy/`;
  if (known && !isUpload) uploadUrl = known.uploadUrl;
  return {
    origin,
    uploadUrl,
    audienceUrl: new URL(OIDC_AUDIENCE_PATH, origin),
    mintUrl: new URL(OIDC_MINT_TOKEN_PATH, origin),
    webOrigin: known ? known.webUrl : origin,
    displayName: kind === "pypi" ? "pypi.org" : url.host,
    kind,
    loopback: isLoopbackHost(url.hostname)
  };
}
var AUDIENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;
function parseAudience(raw) {
  if (raw === "") return void 0;
  if (!AUDIENCE_PATTERN.test(raw)) throw failures.invalidAudienceInput();
  return raw;
}
function parseExportEnv(raw, index) {
  const targets = [];
  const seen = /* @__PURE__ */ new Set();
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== "")) {
    const [toolRaw, repoRaw, ...rest] = item.toLowerCase().split(":");
    const tool = toolRaw;
    if (!UPLOADER_NAMES.includes(tool) || rest.length > 0 || repoRaw !== void 0 && tool !== "poetry") {
      throw failures.unknownExportTool(item, UPLOADER_NAMES);
    }
    let target = { tool };
    if (tool === "poetry") {
      const repo = repoRaw ?? (index.kind === "custom" ? void 0 : index.kind);
      if (repo === void 0) throw failures.poetryNeedsRepository(index.displayName);
      if (!/^[a-z0-9_]{1,64}$/.test(repo)) throw failures.poetryRepositoryName(repo);
      target = { tool, poetryRepository: repo };
    }
    const key = `${target.tool}:${target.poetryRepository ?? ""}`;
    if (!seen.has(key)) targets.push(target);
    seen.add(key);
  }
  return targets;
}

// src/kit/http.ts
var http = __toESM(require("node:http"));
function createHttp(deps, limits) {
  const say = deps.words;
  return async (req) => {
    const remaining = limits.deadline - deps.now();
    if (remaining <= 0) throw say.deadline(req.target);
    const timeoutMs = Math.min(limits.requestTimeoutMs, remaining);
    const proxyRaw = proxyFor(req.url, deps.env);
    const proxy = proxyRaw === void 0 ? void 0 : parseProxyUrl(proxyRaw, say);
    if (proxy?.password) deps.redactor.add(safeDecode(proxy.password));
    const headers = { "user-agent": limits.userAgent, "accept": "application/json", ...req.headers };
    const controller = new AbortController();
    let timedOut;
    const timer = setTimeout(() => {
      timedOut = timeoutMs;
      controller.abort();
    }, timeoutMs);
    let res;
    try {
      res = await transport({ ...req, headers }, controller.signal, proxy, say);
      if (res.status >= 300 && res.status < 400) throw redirectFailure(res, req, say);
      const body = await readCapped(res, req, limits.maxBodyBytes, say);
      return { status: res.status, headers: firstHeaders(res.headers), body };
    } catch (err) {
      const failure = classify(err, req, timedOut, deps.redactor, say);
      const viaProxy = proxy && ["network", "host-not-found", "tls"].includes(failure.code);
      throw viaProxy ? say.viaProxy(failure, proxy.host) : failure;
    } finally {
      clearTimeout(timer);
      res?.dispose();
    }
  };
}
var httpsModule = () => require("node:https");
async function transport(req, signal, proxy, say) {
  const tunnel = proxy ? await openTunnel(proxy, req.url, signal, say) : void 0;
  const https = req.url.protocol === "https:";
  const mod = https ? httpsModule() : http;
  const body = req.body === void 0 ? void 0 : Buffer.from(req.body);
  const headers = { ...req.headers, ...body ? { "content-length": String(body.length) } : {}, connection: "close" };
  return new Promise((resolve, reject) => {
    const request = mod.request(req.url, {
      method: req.method,
      headers,
      signal,
      ...https ? { rejectUnauthorized: true } : {},
      // Through a tunnel: no agent at all, or node would ignore createConnection and dial the target itself.
      ...tunnel ? { createConnection: connectionOver(tunnel, req.url) } : { agent: false }
    }, (res) => {
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: res,
        dispose: () => {
          res.destroy();
          tunnel?.destroy();
        }
      });
    });
    request.on("error", (err) => {
      tunnel?.destroy();
      reject(err);
    });
    request.end(body);
  });
}
function firstHeaders(raw) {
  const out = {};
  for (const [k, v] of Object.entries(raw)) out[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
  return out;
}
function errorCode(err) {
  let e = err;
  for (let depth = 0; depth < 4 && e && typeof e === "object"; depth++) {
    const code2 = e.code;
    if (typeof code2 === "string" && code2 !== "ABORT_ERR") return code2;
    e = e.cause;
  }
  return "";
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ECONNABORTED",
  "ENETUNREACH",
  "EHOSTUNREACH"
]);
var TLS_CODES = /^(?:ERR_TLS_|UNABLE_TO_|SELF_SIGNED_|DEPTH_ZERO_|CERT_|HOSTNAME_MISMATCH)/;
function classify(err, req, timedOutAfterMs, redactor, say) {
  if (say.isFailure(err)) return err;
  if (timedOutAfterMs !== void 0) return say.timeout(req.target, timedOutAfterMs);
  const code2 = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const detail = redactor.redact(code2 && !message.includes(code2) ? `${code2}: ${message}` : message, 200);
  if (code2.startsWith("HPE_")) return say.protocol(req.target, detail);
  if (code2 === "ENOTFOUND") return say.hostNotFound(req.target, req.url.hostname, detail);
  if (TLS_CODES.test(code2)) return say.tls(req.target, detail);
  return say.network(
    req.target,
    detail,
    TRANSIENT_CODES.has(code2) || /socket hang up|aborted|other side closed|terminated/i.test(message)
  );
}
async function readCapped(res, req, maxBytes, say) {
  const declared = Number(firstHeaders(res.headers)["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) throw say.tooLarge(req.target, maxBytes, res.status);
  const chunks = [];
  let total = 0;
  for await (const chunk of res.body) {
    const buf = Buffer.from(chunk);
    total += buf.length;
    if (total > maxBytes) throw say.tooLarge(req.target, maxBytes, res.status);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
function redirectFailure(res, req, words) {
  const location = firstHeaders(res.headers).location;
  const say = words.redirectWhere;
  let where = say.unnamed;
  if (location) {
    try {
      const to = new URL(location, req.url);
      where = `${to.protocol}//${to.host}${to.host === req.url.host ? say.sameHost : ""}`;
    } catch {
      where = say.unparseable;
    }
  }
  return words.redirect(req.target, res.status, where);
}
function parseJsonBody(body) {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return void 0;
  }
}
function jsonMember(body, name) {
  const parsed = parseJsonBody(body);
  return typeof parsed === "object" && parsed !== null ? parsed[name] : void 0;
}
function isTransientStatus(status) {
  return status >= 500 || status === 429 || status === 408;
}
function retryAfterMs(headers, now = Date.now()) {
  const v = headers["retry-after"]?.trim();
  if (!v) return void 0;
  if (/^\d+$/.test(v)) return Number(v) * 1e3;
  const at = Date.parse(v);
  return Number.isNaN(at) ? void 0 : Math.max(0, at - now);
}
function unexpectedStatus(res, make) {
  return make(isTransientStatus(res.status), { retryAfterMs: retryAfterMs(res.headers) });
}
function firstSet(env, ...names) {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return v;
  }
  return void 0;
}
function bypassesProxy(url, noProxy) {
  if (!noProxy) return false;
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, "");
  const port = url.port || (url.protocol === "https:" ? "443" : "80");
  for (const rawEntry of noProxy.split(/[\s,]+/)) {
    let entry = rawEntry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === "*") return true;
    let entryPort;
    const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(entry);
    if (m) {
      entry = m[1];
      entryPort = m[2];
    }
    entry = entry.replace(/^\[|\]$/g, "").replace(/^\*?\./, "");
    if (entryPort !== void 0 && entryPort !== port) continue;
    if (host === entry || host.endsWith(`.${entry}`)) return true;
  }
  return false;
}
function proxyFor(url, env) {
  const proxy = url.protocol === "https:" ? firstSet(env, "https_proxy", "HTTPS_PROXY") : firstSet(env, "http_proxy", "HTTP_PROXY");
  if (!proxy) return void 0;
  if (bypassesProxy(url, firstSet(env, "no_proxy", "NO_PROXY"))) return void 0;
  return proxy;
}
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
function parseProxyUrl(raw, say) {
  let url;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw say.proxyNotAUrl();
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw say.proxyScheme(url.protocol.replace(/:$/, ""));
  return url;
}
function openTunnel(proxy, target, signal, say) {
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  const authority = `${target.hostname}:${port}`;
  const headers = { host: authority };
  if (proxy.username || proxy.password) {
    const credentials = `${safeDecode(proxy.username)}:${safeDecode(proxy.password)}`;
    headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  const https = proxy.protocol === "https:";
  const mod = https ? httpsModule() : http;
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port || (https ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers,
      signal,
      agent: false,
      ...https ? { rejectUnauthorized: true } : {}
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode === 200) {
        socket.on("error", () => void 0);
        resolve(socket);
        return;
      }
      socket.destroy();
      reject(say.proxyRefused(proxy.host, res.statusCode ?? 0, authority));
    });
    req.on("error", reject);
    req.end();
  });
}
var isIpLiteral = (host) => /^[\d.]+$/.test(host) || host.includes(":");
function connectionOver(socket, target) {
  return () => {
    if (target.protocol !== "https:") return socket;
    const tls = require("node:tls");
    const host = target.hostname.replace(/^\[|\]$/g, "");
    return tls.connect({
      socket,
      host,
      servername: isIpLiteral(host) ? void 0 : host,
      ALPNProtocols: ["http/1.1"],
      rejectUnauthorized: true
    });
  };
}

// src/mint/audience.ts
async function audienceFor(ctx, index, input) {
  if (input !== void 0) {
    ctx.print.log(logs.audience(index.displayName, input, "input"));
    return input;
  }
  const known = audienceForHost(index.audienceUrl.hostname);
  if (known !== void 0) {
    ctx.print.log(logs.audience(index.displayName, known, "host"));
    return known;
  }
  ctx.print.log(logs.askingAudience(index.displayName, index.audienceUrl.href));
  const announced = await discoverAudience(ctx, index);
  const owner = KNOWN_INDEXES.find((k) => k.audience === announced);
  if (owner && !index.loopback) throw failures.audienceRefused(index.displayName, announced, owner.hosts[owner.hosts.length - 1]);
  ctx.print.log(logs.audience(index.displayName, announced, "index"));
  return announced;
}
async function discoverAudience(ctx, index) {
  const target = `the audience endpoint of ${index.displayName} (${index.audienceUrl.href})`;
  const res = await ctx.send({ method: "GET", url: index.audienceUrl, target });
  if (res.status === 403) throw failures.audienceDisabled(index.displayName, index.audienceUrl.pathname);
  if (res.status === 404) throw failures.audienceUnsupported(index.displayName, index.audienceUrl.pathname);
  if (res.status !== 200) throw unexpectedStatus(res, (retryable, details) => failures.audienceStatus(target, res.status, retryable, details));
  const audience = jsonMember(res.body, "audience");
  if (typeof audience !== "string" || !AUDIENCE_PATTERN.test(audience)) throw failures.audienceMissing(target);
  return audience;
}

// src/mint/context.ts
var import_node_fs = require("node:fs");
var MAX_EVENT_BYTES = 4 * 1024 * 1024;
function readForkFlag(path) {
  if (!path) return false;
  try {
    if ((0, import_node_fs.statSync)(path).size > MAX_EVENT_BYTES) return false;
    const event = JSON.parse((0, import_node_fs.readFileSync)(path, "utf8"));
    return event?.pull_request?.head?.repo?.fork === true;
  } catch {
    return false;
  }
}
function readRunner(env) {
  return {
    eventName: env.GITHUB_EVENT_NAME || void 0,
    fromFork: readForkFlag(env.GITHUB_EVENT_PATH),
    actor: env.GITHUB_ACTOR || env.GITHUB_TRIGGERING_ACTOR || void 0,
    serverUrl: env.GITHUB_SERVER_URL || void 0,
    repository: env.GITHUB_REPOSITORY || void 0,
    repositoryOwner: env.GITHUB_REPOSITORY_OWNER || void 0,
    workflowRef: env.GITHUB_WORKFLOW_REF || void 0
  };
}

// src/mint/diagnose.ts
var import_node_fs2 = require("node:fs");
var import_node_path = require("node:path");

// node_modules/jose/dist/node/esm/runtime/base64url.js
var import_node_buffer = require("node:buffer");

// node_modules/jose/dist/node/esm/lib/buffer_utils.js
var encoder = new TextEncoder();
var decoder = new TextDecoder();
var MAX_INT32 = 2 ** 32;

// node_modules/jose/dist/node/esm/runtime/base64url.js
function normalize(input) {
  let encoded = input;
  if (encoded instanceof Uint8Array) {
    encoded = decoder.decode(encoded);
  }
  return encoded;
}
var decode = (input) => new Uint8Array(import_node_buffer.Buffer.from(normalize(input), "base64url"));

// node_modules/jose/dist/node/esm/util/base64url.js
var decode2 = decode;

// node_modules/jose/dist/node/esm/lib/is_object.js
function isObjectLike(value) {
  return typeof value === "object" && value !== null;
}
function isObject(input) {
  if (!isObjectLike(input) || Object.prototype.toString.call(input) !== "[object Object]") {
    return false;
  }
  if (Object.getPrototypeOf(input) === null) {
    return true;
  }
  let proto = input;
  while (Object.getPrototypeOf(proto) !== null) {
    proto = Object.getPrototypeOf(proto);
  }
  return Object.getPrototypeOf(input) === proto;
}

// node_modules/jose/dist/node/esm/util/errors.js
var JOSEError = class extends Error {
  static code = "ERR_JOSE_GENERIC";
  code = "ERR_JOSE_GENERIC";
  constructor(message, options) {
    super(message, options);
    this.name = this.constructor.name;
    Error.captureStackTrace?.(this, this.constructor);
  }
};
var JWTInvalid = class extends JOSEError {
  static code = "ERR_JWT_INVALID";
  code = "ERR_JWT_INVALID";
};

// node_modules/jose/dist/node/esm/util/decode_jwt.js
function decodeJwt(jwt) {
  if (typeof jwt !== "string")
    throw new JWTInvalid("JWTs must use Compact JWS serialization, JWT must be a string");
  const { 1: payload, length } = jwt.split(".");
  if (length === 5)
    throw new JWTInvalid("Only JWTs using Compact JWS serialization can be decoded");
  if (length !== 3)
    throw new JWTInvalid("Invalid JWT");
  if (!payload)
    throw new JWTInvalid("JWTs must contain a payload");
  let decoded;
  try {
    decoded = decode2(payload);
  } catch {
    throw new JWTInvalid("Failed to base64url decode the payload");
  }
  let result;
  try {
    result = JSON.parse(decoder.decode(decoded));
  } catch {
    throw new JWTInvalid("Failed to parse the decoded payload as JSON");
  }
  if (!isObject(result))
    throw new JWTInvalid("Invalid JWT Claims Set");
  return result;
}

// src/kit/oidc.ts
var GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
var GITHUB_OIDC_ENDPOINT = "GitHub's OIDC token endpoint";
var GITHUB_OIDC_VARIABLES = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
function githubOidcRequest(env, words) {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) return void 0;
  return { requestUrl: requireSecureUrl(url, "ACTIONS_ID_TOKEN_REQUEST_URL", words.unusableUrl, words.url), requestToken: token };
}
var missingGithubOidcVariables = (env) => GITHUB_OIDC_VARIABLES.filter((n) => !env[n]?.trim());
function audienceRequestUrl(base, audience) {
  const url = new URL(base.href);
  url.searchParams.set("audience", audience);
  return url;
}
function githubOidcSource(request, send, redactor, words) {
  redactor.add(request.requestToken);
  return {
    name: GITHUB_OIDC_ENDPOINT,
    issuer: GITHUB_ISSUER,
    token: async (audience) => {
      const res = await send({
        method: "GET",
        url: audienceRequestUrl(request.requestUrl, audience),
        headers: { authorization: `bearer ${request.requestToken}` },
        target: GITHUB_OIDC_ENDPOINT
      });
      if (res.status !== 200) {
        throw unexpectedStatus(res, (retryable, details) => words.status(GITHUB_OIDC_ENDPOINT, res.status, retryable, details));
      }
      const value = jsonMember(res.body, "value");
      if (typeof value !== "string" || value === "") throw words.noValue(GITHUB_OIDC_ENDPOINT);
      return value;
    }
  };
}
function variableOidcSource(env, name, issuer) {
  return { name, issuer, token: async () => env[name]?.trim() ?? "" };
}
async function requestOidcToken(source, audience, deps) {
  const value = await source.token(audience);
  if (value === "") throw deps.words.noValue(source.name);
  deps.redactor.add(value);
  const claims = decodeClaims(value);
  if (!claims) throw deps.words.notAJwt(source.name);
  deps.print.mask(value);
  if (claims.aud !== audience) throw deps.words.wrongAudience(claimText(claims, "aud"), audience);
  return { jwt: value, claims };
}
function decodeClaims(jwt) {
  try {
    return decodeJwt(jwt);
  } catch {
    return void 0;
  }
}
function claimText(claims, name) {
  const v = claims?.[name];
  if (v === void 0 || v === null) return void 0;
  const s = typeof v === "string" ? v : JSON.stringify(v);
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, " ");
  return clean.length > 200 ? `${clean.slice(0, 200)}…` : clean;
}

// src/mint/oidc.ts
var CLAIMS_THAT_MATTER = [
  "repository",
  "repository_owner",
  "repository_owner_id",
  "job_workflow_ref",
  "workflow_ref",
  "ref",
  "environment",
  "event_name"
];
function workflowFilename(jobWorkflowRef) {
  const m = jobWorkflowRef ? /([^/]+\.(?:yml|yaml))(?=@)/.exec(jobWorkflowRef) : null;
  return m ? m[1] : void 0;
}
function claimsThatMatter(claims) {
  return claims?.project_path !== void 0 || claims?.ci_config_ref_uri !== void 0 ? GITLAB_CLAIMS_THAT_MATTER : CLAIMS_THAT_MATTER;
}

// src/mint/diagnose.ts
function runWarnings(claims, runner) {
  const out = [];
  if ((claimText(claims, "event_name") ?? runner.eventName) === "pull_request_target") out.push(explanations.pullRequestTarget());
  const wf = claimText(claims, "workflow_ref");
  const job = claimText(claims, "job_workflow_ref");
  if (wf !== void 0 && job !== void 0 && wf !== job) out.push(explanations.reusableWorkflow(wf, job, workflowFilename(job)));
  return out;
}
function diagnose(input) {
  const { failure, claims, runner } = input;
  const out = [];
  const has = (code2) => failure?.indexErrors.some((e) => e.code === code2) ?? false;
  const mentions = (text) => failure?.indexErrors.some((e) => text.test(e.description)) ?? false;
  if (failure?.code === "missing-id-token-permission") {
    const eventName = runner.eventName ?? "";
    if (runner.fromFork && eventName.startsWith("pull_request")) out.push(explanations.forkPullRequest(eventName));
    else if (runner.actor === "dependabot[bot]") out.push(explanations.dependabot());
    else out.push(explanations.missingPermission(input.missingOidcVars ?? ["ACTIONS_ID_TOKEN_REQUEST_URL"]));
  }
  if (input.gitlab) return out.concat(diagnoseGitlab(input));
  const iss = claimText(claims, "iss");
  const enterprise = isEnterpriseServer(runner);
  if (enterprise || mentions(/unknown trusted publishing issuer/i) || iss !== void 0 && iss !== GITHUB_ISSUER && input.index.kind !== "custom") {
    out.push(explanations.untrustedIssuer(iss, enterprise ? runner.serverUrl : void 0, GITHUB_ISSUER));
  }
  if (has("invalid-token")) out.push(explanations.tokenNotAccepted(input.audienceInput, input.index.displayName));
  if (has("not-enabled")) out.push(explanations.githubDisabled(input.index.displayName));
  if (has("invalid-reuse-token")) out.push(explanations.reusedToken());
  if (has("invalid-pending-publisher")) out.push({ ...explanations.pendingForExisting(), settings: publisherForm(input) });
  if (has("invalid-publisher")) {
    if (mentions(/environment/i)) out.push(explanations.environmentMismatch(claimText(claims, "environment")));
    out.push({ ...explanations.noPublisher(), settings: publisherForm(input) });
  }
  return out;
}
function isEnterpriseServer(runner) {
  if (!runner.serverUrl) return false;
  try {
    return new URL(runner.serverUrl).hostname.toLowerCase() !== "github.com";
  } catch {
    return false;
  }
}
function publisherSettings(claims, runner) {
  const repository = claimText(claims, "repository") ?? runner.repository;
  const split = repository === void 0 ? void 0 : splitRepository(repository);
  return {
    owner: claimText(claims, "repository_owner") ?? runner.repositoryOwner ?? split?.owner,
    repositoryName: split?.repositoryName,
    workflowFileName: workflowFilename(claimText(claims, "job_workflow_ref") ?? runner.workflowRef),
    environment: claimText(claims, "environment")
  };
}
function diagnoseGitlab(input) {
  const { failure, claims } = input;
  const out = [];
  const has = (code2) => failure?.indexErrors.some((e) => e.code === code2) ?? false;
  const mentions = (text) => failure?.indexErrors.some((e) => text.test(e.description)) ?? false;
  const iss = claimText(claims, "iss");
  if (failure?.code !== "gitlab-untrusted-instance" && (mentions(/unknown trusted publishing issuer/i) || iss !== void 0 && iss !== GITLAB_ISSUER && input.index.kind !== "custom")) {
    out.push(explanations.gitlabUntrustedIssuer(iss, GITLAB_ISSUER, input.index.displayName));
  }
  if (has("invalid-token")) out.push(explanations.tokenNotAccepted(input.audienceInput, input.index.displayName));
  if (has("invalid-reuse-token")) out.push(explanations.gitlabReusedToken());
  if (has("invalid-pending-publisher")) out.push({ ...explanations.pendingForExisting(), settings: publisherForm(input) });
  if (has("invalid-publisher")) {
    if (mentions(/environment/i)) out.push(explanations.gitlabEnvironmentMismatch(claimText(claims, "environment")));
    out.push({ ...explanations.noPublisher(), settings: publisherForm(input) });
  }
  return out;
}
function publisherForm(input) {
  const web = input.index.webOrigin;
  const projects = input.projects.length > 0 ? input.projects : ["<project>"];
  return {
    kind: input.gitlab ? "GitLab" : "GitHub",
    indexName: input.index.displayName,
    fields: input.gitlab ? gitlabPublisherFormFields(gitlabPublisherFromClaims((name) => claimText(input.claims, name))) : publisherFormFields(publisherSettings(input.claims, input.runner)),
    pages: [
      ...projects.map((p) => ({ label: labels.existingProject(p), url: projectPublishingUrl(web, p) })),
      { label: labels.newProject(input.projects.length === 1 ? input.projects[0] : void 0), url: pendingPublisherUrl(web) }
    ]
  };
}
function projectFromFilename(filename) {
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*?)-\d[^-]*(?:-[^-]+){0,1}(?:-[^-]+-[^-]+-[^-]+\.whl|\.tar\.gz)$/.exec(filename);
  return m ? normalizeProjectName(m[1]) : void 0;
}
function distProjects(dirs) {
  const names = /* @__PURE__ */ new Set();
  for (const dir of dirs) {
    let entries;
    try {
      entries = (0, import_node_fs2.readdirSync)((0, import_node_path.join)(dir, "dist"));
    } catch {
      continue;
    }
    for (const f of entries.slice(0, 1e3)) {
      const name = projectFromFilename(f);
      if (name) names.add(name);
    }
  }
  return [...names].sort().slice(0, 10);
}

// src/mint/exchange.ts
var DEFAULT_LIFETIME_SECONDS = 900;
var MAX_ERRORS_SHOWN = 20;
var TOKEN_SHAPE = /^pypi-[A-Za-z0-9_=-]+$/;
var MAX_TOKEN_LENGTH = 8192;
var LATEST_UNIX_SECONDS = 864e10;
function parseIndexErrors(body, redactor) {
  const list = body?.errors;
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ERRORS_SHOWN).map((e) => {
    const { code: code2, description } = e ?? {};
    return {
      code: redactor.redact(typeof code2 === "string" ? code2 : "unknown", 60),
      description: redactor.redact(typeof description === "string" ? description : "", 500)
    };
  });
}
async function mintToken(ctx, index, jwt) {
  const target = `the token endpoint of ${index.displayName} (${index.mintUrl.href})`;
  const res = await ctx.send({
    method: "POST",
    url: index.mintUrl,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: jwt }),
    target
  });
  const body = parseJsonBody(res.body);
  if (res.status === 422) throw failures.mintRejected(index.displayName, parseIndexErrors(body, ctx.redactor));
  if (res.status !== 200) {
    throw unexpectedStatus(res, (retryable, details) => failures.mintStatus(target, res.status, index.kind === "custom", retryable, details));
  }
  const token = body?.token;
  if (typeof token === "string") ctx.redactor.add(token);
  const why = failures.mintWhy;
  if (body === void 0) throw failures.mintInvalid(target, why.notJson);
  if (typeof token !== "string") throw failures.mintInvalid(target, why.tokenType(token === null ? "null" : typeof token));
  if (!TOKEN_SHAPE.test(token) || token.length > MAX_TOKEN_LENGTH) throw failures.mintInvalid(target, why.tokenShape);
  ctx.print.mask(token);
  const expiresRaw = body.expires;
  if (expiresRaw === void 0 || expiresRaw === null) {
    return { token, expires: Math.floor(ctx.now() / 1e3) + DEFAULT_LIFETIME_SECONDS };
  }
  if (typeof expiresRaw !== "number" || !(expiresRaw > 0 && expiresRaw <= LATEST_UNIX_SECONDS)) {
    throw failures.mintInvalid(target, why.expires);
  }
  return { token, expires: Math.floor(expiresRaw) };
}

// src/kit/files.ts
var import_node_fs3 = require("node:fs");
var import_node_os = require("node:os");
function renderKeyValues(entries) {
  const { prepareKeyValueMessage: prepareKeyValueMessage2 } = (init_file_command(), __toCommonJS(file_command_exports));
  return entries.map(([k, v]) => `${prepareKeyValueMessage2(k, v)}${import_node_os.EOL}`).join("");
}
var FileWriteError = class extends Error {
  constructor(what, errno) {
    super(`could not write ${what}`);
    this.what = what;
    this.errno = errno;
  }
  what;
  errno;
};
function appendAll(writes) {
  const done = [];
  for (const w of writes) {
    try {
      const size = (0, import_node_fs3.statSync)(w.path).size;
      (0, import_node_fs3.appendFileSync)(w.path, w.text, { encoding: "utf8" });
      done.push({ path: w.path, size });
    } catch (err) {
      for (const prior of done) (0, import_node_fs3.truncateSync)(prior.path, prior.size);
      throw new FileWriteError(w.what, errnoOf(err));
    }
  }
}
function appendSummary(path, markdown) {
  if (!path) return;
  try {
    (0, import_node_fs3.appendFileSync)(path, `${markdown}
`, { encoding: "utf8" });
  } catch {
  }
}
function isFile(path) {
  try {
    return (0, import_node_fs3.statSync)(path).isFile();
  } catch {
    return false;
  }
}
function unwritableReason(path) {
  try {
    if (!(0, import_node_fs3.statSync)(path).isFile()) return "EISDIR";
    (0, import_node_fs3.accessSync)(path, import_node_fs3.constants.W_OK);
    return void 0;
  } catch (err) {
    return errnoOf(err) ?? "error";
  }
}
function errnoOf(err) {
  const code2 = err?.code;
  return typeof code2 === "string" ? code2 : void 0;
}

// src/mint/export.ts
function requireOutputFile(env) {
  const path = env.GITHUB_OUTPUT;
  if (!path || !isFile(path)) throw failures.missingOutputFile(path);
  return path;
}
var OUTPUTS = "the step outputs (GITHUB_OUTPUT)";
var ENV_FILE = "the environment file (GITHUB_ENV)";
function prepareHandOver(env, outputPath, targets) {
  requireWritable(outputPath, OUTPUTS);
  let envPath;
  if (targets.length > 0) {
    envPath = env.GITHUB_ENV;
    if (!envPath || !isFile(envPath)) throw failures.missingEnvFile();
    requireWritable(envPath, ENV_FILE);
  }
  return {
    outputPath,
    envPath,
    targets,
    exportedNames: (uploadUrl) => targets.flatMap((t) => uploaderEnv2(t, "", uploadUrl)).map((v) => v.name)
  };
}
function handOver(d, minted, uploadUrl) {
  const writes = [];
  if (d.envPath) {
    const vars = d.targets.flatMap((t) => uploaderEnv2(t, minted.token, uploadUrl));
    writes.push({ path: d.envPath, text: renderKeyValues(vars.map((v) => [v.name, v.value])), what: ENV_FILE });
  }
  writes.push({ path: d.outputPath, text: renderKeyValues([["api-token", minted.token], ["expires", String(minted.expires)]]), what: OUTPUTS });
  try {
    appendAll(writes);
  } catch (err) {
    if (err instanceof FileWriteError) throw failures.unwritable(err.what, err.errno);
    throw err;
  }
}
function requireWritable(path, what) {
  const reason = unwritableReason(path);
  if (reason !== void 0) throw failures.unwritable(what, reason === "error" ? void 0 : reason);
}
var uploaderEnv2 = (t, token, uploadUrl) => uploaderEnv(t.tool, token, uploadUrl, { poetryRepository: t.poetryRepository });

// src/kit/gitlab-ci.ts
var import_node_fs4 = require("node:fs");

// src/kit/commands.ts
var { toCommandValue: toCommandValue2 } = (init_utils(), __toCommonJS(utils_exports));
var PRINT_LIMITS = { log: 4e3, warning: 4e3, error: 2e4 };
function createPrinter(io, redactor) {
  const out = (line) => io.write(neutralise(line));
  return {
    mask: (secret) => out(command("add-mask", secret)),
    log: (text) => out(logText(redactor.redact(text, PRINT_LIMITS.log))),
    warning: (title, text) => out(command("warning", redactor.redact(text, PRINT_LIMITS.warning), { title: redactor.redact(title, 200) })),
    error: (title, text) => out(command("error", redactor.redact(text, PRINT_LIMITS.error), { title: redactor.redact(title, 200) }))
  };
}
var neutralise = (line) => line.replace(/##\[/g, "## [");
var logText = (text) => text.replace(/^(\s*)::/gm, "$1: :");
var escapeData = (s) => toCommandValue2(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
var escapeProperty = (s) => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
function command(name, message, properties = {}) {
  const props = Object.entries(properties).filter((e) => typeof e[1] === "string" && e[1] !== "").map(([k, v]) => `${k}=${escapeProperty(v)}`).join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}

// src/kit/gitlab-ci.ts
function isGitlabCi(env) {
  return env.GITLAB_CI === "true" && env.GITHUB_ACTIONS !== "true";
}
function gitlabLogLine(text) {
  return text.replace(/\x1b/g, "^[").replace(/\r/g, "");
}
var groupOrOtherBits = (mode) => mode % 64 !== 0;
function createGitlabPrinter(io, redactor) {
  const out = (text) => {
    for (const line of text.split("\n")) io.write(gitlabLogLine(line));
  };
  return {
    mask: () => void 0,
    log: (text) => out(redactor.redact(text, PRINT_LIMITS.log)),
    warning: (title, text) => out(`WARNING: ${redactor.redact(title, 200)}
${redactor.redact(text, PRINT_LIMITS.warning)}`),
    error: (title, text) => out(`ERROR: ${redactor.redact(title, 200)}
${redactor.redact(text, PRINT_LIMITS.error)}`)
  };
}
function shellExport(name, value) {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
  return `export ${name}='${value.replace(/'/g, "'\\''")}'
`;
}
function writeShellEnvFile(path, variables) {
  const text = variables.map(([name, value]) => shellExport(name, value)).join("");
  const fd = (0, import_node_fs4.openSync)(path, "r+");
  try {
    const st = (0, import_node_fs4.fstatSync)(fd);
    if (!st.isFile()) throw Object.assign(new Error("not a regular file"), { code: "EISDIR" });
    if (groupOrOtherBits(st.mode)) throw Object.assign(new Error("readable by others"), { code: "EPERM" });
    if (st.size !== 0) throw Object.assign(new Error("not empty"), { code: "EEXIST" });
    (0, import_node_fs4.writeSync)(fd, text, 0, "utf8");
  } finally {
    (0, import_node_fs4.closeSync)(fd);
  }
}
function checkShellEnvFile(path) {
  if (!path) return "missing";
  let fd;
  try {
    fd = (0, import_node_fs4.openSync)(path, "r+");
  } catch {
    return "missing";
  }
  try {
    const st = (0, import_node_fs4.fstatSync)(fd);
    if (!st.isFile()) return "missing";
    if (groupOrOtherBits(st.mode)) return "not-private";
    if (st.size !== 0) return "not-empty";
    return void 0;
  } finally {
    (0, import_node_fs4.closeSync)(fd);
  }
}

// src/mint/gitlab.ts
var GITLAB_DEFAULT_OUTPUTS = { token: "PYPI_API_TOKEN", expires: "PYPI_API_TOKEN_EXPIRES" };
function gitlabOutputPath(env) {
  const path = env[GITLAB_MINT_OUTPUT_VARIABLE];
  const problem = checkShellEnvFile(path);
  if (problem) throw failures.gitlabOutputFile(GITLAB_MINT_OUTPUT_VARIABLE, problem);
  return path;
}
var GITLAB_HOST = new URL(GITLAB_ISSUER).host;
function checkGitlabServerHost(env, index) {
  const host = env.CI_SERVER_HOST?.trim() ?? "";
  if (host === "" || host.toLowerCase() === GITLAB_HOST || index.loopback && isLoopbackHost(host)) return;
  throw failures.gitlabUntrustedInstance("CI_SERVER_HOST", host.slice(0, 200), index.displayName, GITLAB_ISSUER);
}
function checkGitlabIssuer(claims, index) {
  const iss = claimText(claims, "iss") ?? "";
  if (iss === GITLAB_ISSUER) return;
  let url;
  try {
    url = new URL(iss);
  } catch {
    url = void 0;
  }
  if (index.loopback && url !== void 0 && (url.protocol === "http:" || url.protocol === "https:") && isLoopbackHost(url.hostname)) return;
  throw failures.gitlabUntrustedInstance("iss", iss === "" ? "(none)" : iss.slice(0, 200), index.displayName, GITLAB_ISSUER);
}
function gitlabIdTokenSource(env, audience) {
  const variable = GITLAB_ID_TOKEN_VARIABLES.index;
  return {
    source: variableOidcSource(env, variable, GITLAB_ISSUER),
    words: {
      ...oidcWords,
      ...gitlabIdTokenWords(variable, audience)
    }
  };
}
function gitlabHandOver(path, minted, targets, uploadUrl) {
  const uploaderVars = targets.flatMap((t) => uploaderEnv(t.tool, minted.token, uploadUrl, { poetryRepository: t.poetryRepository }));
  const vars = targets.length > 0 ? uploaderVars.map((v) => [v.name, v.value]) : [[GITLAB_DEFAULT_OUTPUTS.token, minted.token], [GITLAB_DEFAULT_OUTPUTS.expires, String(minted.expires)]];
  try {
    writeShellEnvFile(path, vars);
  } catch (err) {
    const errno = err.code;
    throw failures.unwritable(GITLAB_MINT_OUTPUT_VARIABLE, typeof errno === "string" ? errno : void 0);
  }
}
function gitlabExportedNames(targets, uploadUrl) {
  return targets.length > 0 ? targets.flatMap((t) => uploaderEnv(t.tool, "", uploadUrl, { poetryRepository: t.poetryRepository })).map((v) => v.name) : [GITLAB_DEFAULT_OUTPUTS.token, GITLAB_DEFAULT_OUTPUTS.expires];
}

// src/mint/report.ts
function renderClaimLines(claims) {
  return claimsThatMatter(claims).map((name) => `${name}: ${claimText(claims, name) ?? labels.missing}`);
}
var formValue = (label, v) => v === void 0 ? label === PUBLISHER_FORM_LABELS.environment ? labels.noEnvironment : labels.unknown : void 0;
function renderFormText(form) {
  return [
    form.kind === "GitLab" ? labels.gitlabFormIntro(form.indexName) : labels.formIntro(form.indexName),
    ...form.fields.map(([label, v]) => `  ${label}: ${formValue(label, v) ?? code(v)}`),
    labels.where,
    ...form.pages.map((p) => `  ${p.label}: ${p.url}`)
  ];
}
function renderAnnotation(r) {
  const parts = [r.failure.message];
  for (const d of r.diagnoses) parts.push([`${d.title}:`, ...d.text, ...d.settings ? renderFormText(d.settings) : []].join("\n"));
  if (r.claims) parts.push(`${labels.claimsIntro}
${renderClaimLines(r.claims).map((l) => `  ${l}`).join("\n")}`);
  if (r.failure.indexErrors.length > 0) parts.push(labels.moreHelp);
  return parts.join("\n\n");
}
var codeCell = codeSpan;
function paragraphs(text) {
  const out = [];
  let block = [];
  const flush = () => {
    if (block.length) out.push(literalBlock(block.join("\n")));
    block = [];
  };
  for (const line of text.join("\n").split("\n")) {
    if (/^\s{2}/.test(line)) {
      block.push(line.slice(2));
    } else {
      flush();
      out.push(prose(line));
    }
  }
  flush();
  return out.join("\n\n");
}
function renderFormMarkdown(form) {
  return [
    prose(form.kind === "GitLab" ? labels.gitlabFormIntro(form.indexName) : labels.formIntro(form.indexName)),
    "",
    "| field | value |",
    "|---|---|",
    ...form.fields.map(([label, v]) => `| ${label} | ${formValue(label, v) !== void 0 ? `_${formValue(label, v)}_` : codeCell(v)} |`),
    "",
    ...form.pages.map((p) => `- ${prose(p.label)}: ${prose(p.url)}`)
  ].join("\n");
}
function renderSummary(r) {
  const out = [`## ${prose(labels.failedHeading(r.failure.title))}`, "", `${labels.errorCode} ${code(r.failure.code)}`, ""];
  const [first] = r.failure.message.split("\n");
  out.push(literalBlock(r.failure.indexErrors.length > 0 ? first : r.failure.message), "");
  if (r.failure.indexErrors.length > 0) {
    out.push(
      `### ${prose(labels.reasonsHeading(r.indexName))}`,
      "",
      "| code | description |",
      "|---|---|",
      ...r.failure.indexErrors.map((e) => `| ${codeCell(e.code)} | ${codeCell(e.description)} |`),
      ""
    );
    if (r.failure.retryNote) out.push(literalBlock(r.failure.retryNote), "");
  }
  for (const d of r.diagnoses) {
    out.push(`### ${prose(d.title)}`, "", paragraphs(d.text), "");
    if (d.settings) out.push(renderFormMarkdown(d.settings), "");
  }
  if (r.claims) {
    const rows = claimsThatMatter(r.claims).map((name) => {
      const v = claimText(r.claims, name);
      return `| \`${name}\` | ${v === void 0 ? `_${labels.missing}_` : codeCell(v)} |`;
    });
    out.push(`### ${labels.claimsHeading}`, "", labels.claimsNote, "", "| claim | value in this run |", "|---|---|", ...rows, "");
  }
  out.push(labels.moreHelp, "");
  return out.join("\n");
}
function renderSuccessSummary(indexName, audience, expiresIso, exported) {
  return [`## ${labels.mintedHeading}`, "", prose(labels.minted(indexName, audience, expiresIso)), prose(labels.handedOver(exported)), ""].join("\n");
}

// src/kit/redact.ts
var JWT_SHAPE = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
var TOKEN_SHAPE2 = /pypi-[A-Za-z0-9_-]{40,}/g;
var URL_CREDENTIALS = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/@]{0,4096}@/gi;
var Redactor = class {
  secrets = /* @__PURE__ */ new Set();
  /** Remember a secret (and its common encodings) so it is cut out of any text shown later. */
  add(secret) {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    const b64 = Buffer.from(secret).toString("base64");
    this.secrets.add(b64);
    this.secrets.add(b64.replace(/=+$/, ""));
    this.secrets.add(Buffer.from(secret).toString("base64url"));
    this.secrets.add(encodeURIComponent(secret));
    this.secrets.add(JSON.stringify(secret).slice(1, -1));
  }
  redact(text, maxLength = 500) {
    let out = text;
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) {
      out = out.split(s).join("***");
    }
    out = out.replace(JWT_SHAPE, "***").replace(TOKEN_SHAPE2, "pypi-***").replace(URL_CREDENTIALS, "$1***@");
    out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ");
    return out.length > maxLength ? `${out.slice(0, maxLength)}… (${out.length - maxLength} more characters cut)` : out;
  }
};

// src/kit/retry.ts
function gaveUpNote(attempts, why, totalMs) {
  return retryWords.gaveUp(attempts, why === "limit" ? retryWords.retryLimit : retryWords.pastDeadline(totalMs));
}
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function retryDelayMs(failure, retryIndex, timing, random) {
  const base = timing.backoffMs[Math.min(retryIndex, timing.backoffMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (0.75 + 0.5 * random()));
  const asked = failure.retryAfterMs === void 0 ? 0 : Math.min(failure.retryAfterMs, timing.maxRetryAfterMs);
  return Math.max(jittered, asked);
}
async function withRetries(attempt, timing, deadline, hooks) {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!hooks.isFailure(err)) throw err;
      if (err.code === OUT_OF_TIME) throw hooks.gaveUp(err, n, "deadline");
      if (!err.retryable) throw err;
      const delay = retryDelayMs(err, n - 1, timing, hooks.random);
      if (hooks.now() + delay >= deadline) throw hooks.gaveUp(err, n, "deadline");
      if (n > timing.backoffMs.length) throw hooks.gaveUp(err, n, "limit");
      hooks.onRetry(err, n, delay);
      await hooks.sleep(delay);
    }
  }
}

// src/mint/run.ts
var MAX_RESPONSE_BYTES = 64 * 1024;
var USER_AGENT = "projen-pypi-mint (trusted publishing mint action)";
async function runAction(env, io, timing) {
  const t = { ...DEFAULT_TIMING, ...timing };
  const now = Date.now;
  const deadline = now() + t.totalTimeoutMs;
  const redactor = new Redactor();
  const gitlab = isGitlabCi(env);
  const print = gitlab ? createGitlabPrinter(io, redactor) : createPrinter(io, redactor);
  const ctx = {
    env,
    now,
    redactor,
    print,
    send: createHttp(
      { env, now, redactor, words: httpWords },
      { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES, userAgent: USER_AGENT }
    )
  };
  const runner = readRunner(env);
  let inputs;
  let claims;
  let missingOidcVars;
  const warned = /* @__PURE__ */ new Set();
  const warn = (claimsNow) => {
    for (const w of runWarnings(claimsNow, runner).filter((x) => !warned.has(x.id))) {
      warned.add(w.id);
      print.warning(w.title, w.text.join("\n"));
    }
  };
  const retry = {
    now,
    sleep: realSleep,
    random: Math.random,
    onRetry: (f, attempt, delayMs) => print.log(logs.retrying(f, attempt, delayMs))
  };
  try {
    if (gitlab) {
      const outputPath2 = gitlabOutputPath(env);
      inputs = readInputs(env);
      const index2 = inputs.index;
      const targets = inputs.exportEnv;
      checkGitlabServerHost(env, index2);
      const audience2 = await withRetries2(() => audienceFor(ctx, index2, inputs.audience), t, deadline, retry);
      const { source, words } = gitlabIdTokenSource(env, audience2);
      const idToken = await requestOidcToken(source, audience2, { redactor, print, words });
      claims = idToken.claims;
      checkGitlabIssuer(claims, index2);
      print.log(logs.gotGitlabIdToken(
        claimText(claims, "project_path") ?? "?",
        pipelineFilepath(claimText(claims, "ci_config_ref_uri")) ?? "?",
        source.name,
        index2.mintUrl.href
      ));
      const minted2 = await withRetries2(() => mintToken(ctx, index2, idToken.jwt).catch((err) => {
        throw err instanceof ActionFailure && err.indexErrors.some((e) => e.code === "invalid-reuse-token") ? err.withSuffix("", { retryable: false }) : err;
      }), t, deadline, { ...retry, onRetry: (f, attempt, delayMs) => print.log(logs.retryingSameToken(f, attempt, delayMs)) });
      const expiresIso2 = new Date(minted2.expires * 1e3).toISOString();
      const done2 = logs.mintedToFile(index2.displayName, expiresIso2, gitlabExportedNames(targets, index2.uploadUrl), GITLAB_MINT_OUTPUT_VARIABLE);
      gitlabHandOver(outputPath2, minted2, targets, index2.uploadUrl);
      print.log(done2);
      return 0;
    }
    const outputPath = requireOutputFile(env);
    inputs = readInputs(env);
    const index = inputs.index;
    const oidcRequest = githubOidcRequest(env, oidcWords);
    if (!oidcRequest) {
      missingOidcVars = missingGithubOidcVariables(env);
      throw failures.missingIdToken(missingOidcVars);
    }
    const oidc = githubOidcSource(oidcRequest, ctx.send, redactor, oidcWords);
    const destinations = prepareHandOver(env, outputPath, inputs.exportEnv);
    warn(void 0);
    const audience = await withRetries2(() => audienceFor(ctx, index, inputs.audience), t, deadline, retry);
    const minted = await withRetries2(async () => {
      const oidcToken = await requestOidcToken(oidc, audience, { redactor, print, words: oidcWords });
      claims = oidcToken.claims;
      warn(claims);
      print.log(logs.gotOidcToken(claimText(claims, "repository") ?? "?", claimText(claims, "job_workflow_ref") ?? "?", index.mintUrl.href));
      return mintToken(ctx, index, oidcToken.jwt);
    }, t, deadline, retry);
    const expiresIso = new Date(minted.expires * 1e3).toISOString();
    const exported = destinations.exportedNames(index.uploadUrl);
    const done = logs.minted(index.displayName, expiresIso, exported);
    const summary = renderSuccessSummary(index.displayName, audience, expiresIso, exported);
    handOver(destinations, minted, index.uploadUrl);
    print.log(done);
    appendSummary(env.GITHUB_STEP_SUMMARY, summary);
    return 0;
  } catch (err) {
    const failure = asFailure(err);
    const index = inputs?.index ?? safeIndex(env);
    const diagnoses = diagnose({
      failure,
      claims,
      runner,
      index,
      audienceInput: inputs?.audience,
      missingOidcVars,
      gitlab,
      projects: distProjects([process.cwd(), ...env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE] : []])
    });
    const warnings = gitlab ? [] : runWarnings(claims, runner);
    const report = { failure, claims, indexName: index.displayName };
    print.error(failure.title, renderAnnotation({ ...report, diagnoses: [...diagnoses, ...warnings.filter((w) => !warned.has(w.id))] }));
    appendSummary(env.GITHUB_STEP_SUMMARY, redactor.redact(renderSummary({ ...report, diagnoses: [...diagnoses, ...warnings] }), 6e4));
    return 1;
  }
}
function asFailure(err) {
  if (err instanceof ActionFailure) return err;
  return failures.internal(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}
function safeIndex(env) {
  try {
    return resolveIndexUrl(env["INPUT_INDEX-URL"] ?? env.INPUT_INDEX_URL ?? "");
  } catch {
    return resolveIndexUrl("");
  }
}
var DEFAULT_TIMING = {
  requestTimeoutMs: 1e4,
  totalTimeoutMs: 6e4,
  backoffMs: [1e3, 2e3, 4e3, 8e3],
  maxRetryAfterMs: 2e4
};
function withRetries2(attempt, timing, deadline, hooks) {
  return withRetries(attempt, timing, deadline, {
    ...hooks,
    isFailure: (err) => err instanceof ActionFailure,
    gaveUp: (f, attempts, why) => {
      const note = gaveUpNote(attempts, why, timing.totalTimeoutMs);
      return f.withSuffix(`
${note}`, { retryable: false, retryNote: note });
    }
  });
}

// src/kit/main.ts
var import_node_os2 = require("node:os");
var stdoutIo = { write: (line) => void process.stdout.write(`${line}${import_node_os2.EOL}`) };
function runStep(run, crashLine) {
  let decided;
  const finish = (code2) => {
    decided = code2;
    process.exitCode = code2;
    setTimeout(() => process.exit(code2), 1e3).unref();
  };
  const unexpected = () => {
    stdoutIo.write(crashLine);
    finish(1);
  };
  process.on("uncaughtException", () => decided === void 0 ? unexpected() : process.exit(decided));
  process.on("unhandledRejection", () => decided === void 0 ? unexpected() : void 0);
  run(process.env, stdoutIo).then(finish, unexpected);
}

// src/mint/main.ts
runStep(runAction, isGitlabCi(process.env) ? logs.crashedGitlab : logs.crashed);
