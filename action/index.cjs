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
function toCommandValue(input) {
  if (input === null || input === void 0) {
    return "";
  } else if (typeof input === "string" || input instanceof String) {
    return input;
  }
  return JSON.stringify(input);
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

// src/action/main.ts
var import_node_os2 = require("node:os");

// src/action/run.ts
var import_node_fs4 = require("node:fs");

// src/action/errors.ts
var ActionFailure = class extends Error {
  constructor(code, title, message, details = {}) {
    super(message);
    this.code = code;
    this.title = title;
    this.name = "ActionFailure";
    this.retryable = details.retryable ?? false;
    this.retryAfterMs = details.retryAfterMs;
    this.status = details.status;
    this.indexErrors = details.indexErrors ?? [];
  }
  code;
  title;
  retryable;
  retryAfterMs;
  status;
  indexErrors;
};
function asFailure(err) {
  if (err instanceof ActionFailure) return err;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new ActionFailure(
    "internal",
    "Unexpected error in the mint action",
    `The action hit an unexpected error and stopped without minting a token (${what.slice(0, 300)}). Please report it with the log of this step.`
  );
}

// src/action/index-url.ts
var DEFAULT_INDEX_URL = "https://upload.pypi.org/legacy/";
var MAX_URL_LENGTH = 2048;
function invalid(message) {
  return new ActionFailure("invalid-index-url", "Invalid index-url input", message);
}
function isLoopbackHost(hostname) {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  if (h === "localhost" || h === "::1") return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((o) => Number(o) <= 255);
}
function requireSecureUrl(raw, what, fail) {
  if (raw.length > MAX_URL_LENGTH) throw fail(`${what} is ${raw.length} characters long; at most ${MAX_URL_LENGTH} are accepted.`);
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) throw fail(`${what} contains whitespace or control characters (CR, LF, tab...).`);
  if (/[^\x21-\x7e]/.test(raw)) {
    throw fail(`${what} contains non-ASCII characters; write an internationalised host name in its ASCII (punycode) form.`);
  }
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw fail(`${what} is not an absolute URL: '${raw.slice(0, 200)}'.`);
  }
  if (url.username || url.password) {
    throw fail(`${what} must not contain a user name or password; trusted publishing needs no stored credentials.`);
  }
  if (url.protocol === "http:") {
    if (!isLoopbackHost(url.hostname)) {
      throw fail(`${what} uses http:// with the non-loopback host '${url.hostname}'. Use https:// (plain http is accepted only for 127.0.0.0/8, ::1 and localhost, e.g. the emulator).`);
    }
  } else if (url.protocol !== "https:") {
    throw fail(`${what} uses the scheme '${url.protocol.replace(/:$/, "")}'; only https:// is accepted.`);
  }
  return url;
}
function resolveIndexUrl(input) {
  const raw = input.trim() === "" ? DEFAULT_INDEX_URL : input.trim();
  const url = requireSecureUrl(raw, `index-url '${raw.slice(0, 200)}'`, invalid);
  if (url.search || url.hash) throw invalid(`index-url '${raw}' must not have a query or a fragment.`);
  const path = url.pathname.replace(/\/+$/, "");
  const isUpload = /\/legacy$/.test(path);
  if (!isUpload && path !== "") {
    const hint = /\/simple$/.test(path) ? " That is the simple (download) index; give the upload URL (…/legacy/) instead." : "";
    throw invalid(`index-url '${raw}' is neither an upload URL ending in /legacy/ nor an index root (https://host/).${hint}`);
  }
  const host = url.hostname.toLowerCase();
  const origin = url.origin;
  const kind = host === "pypi.org" || host === "upload.pypi.org" ? "pypi" : host === "test.pypi.org" ? "testpypi" : "custom";
  let uploadUrl = isUpload ? `${origin}${path}/` : `${origin}/legacy/`;
  if (kind === "pypi" && !isUpload) uploadUrl = DEFAULT_INDEX_URL;
  const webOrigin = kind === "pypi" ? "https://pypi.org" : origin;
  return {
    origin,
    uploadUrl,
    audienceUrl: new URL("/_/oidc/audience", origin),
    mintUrl: new URL("/_/oidc/mint-token", origin),
    webOrigin,
    displayName: kind === "pypi" ? "pypi.org" : url.host,
    kind
  };
}

// src/action/uploader-env.ts
var UPLOADER_NAMES = ["twine", "uv", "poetry", "hatch", "pdm", "flit", "maturin"];
function uploaderEnv(target, token, uploadUrl) {
  const secret = (name) => ({ name, value: token, secret: true });
  const plain = (name, value) => ({ name, value, secret: false });
  switch (target.tool) {
    case "twine":
      return [plain("TWINE_USERNAME", "__token__"), secret("TWINE_PASSWORD"), plain("TWINE_REPOSITORY_URL", uploadUrl)];
    case "uv":
      return [secret("UV_PUBLISH_TOKEN"), plain("UV_PUBLISH_URL", uploadUrl)];
    case "poetry": {
      const repo = (target.poetryRepository ?? "pypi").toUpperCase();
      return repo === "PYPI" ? [secret("POETRY_PYPI_TOKEN_PYPI")] : [secret(`POETRY_PYPI_TOKEN_${repo}`), plain(`POETRY_REPOSITORIES_${repo}_URL`, uploadUrl)];
    }
    case "hatch":
      return [plain("HATCH_INDEX_USER", "__token__"), secret("HATCH_INDEX_AUTH"), plain("HATCH_INDEX_REPO", uploadUrl)];
    case "pdm":
      return [plain("PDM_PUBLISH_USERNAME", "__token__"), secret("PDM_PUBLISH_PASSWORD"), plain("PDM_PUBLISH_REPO", uploadUrl)];
    case "flit":
      return [plain("FLIT_USERNAME", "__token__"), secret("FLIT_PASSWORD"), plain("FLIT_INDEX_URL", uploadUrl)];
    case "maturin":
      return [secret("MATURIN_PYPI_TOKEN"), plain("MATURIN_REPOSITORY_URL", uploadUrl)];
  }
}

// src/action/inputs.ts
function readInput(env, name) {
  const upper = name.toUpperCase();
  return (env[`INPUT_${upper}`] ?? env[`INPUT_${upper.replace(/-/g, "_")}`] ?? "").trim();
}
function invalidInput(input, message) {
  return new ActionFailure("invalid-input", `Invalid ${input} input`, message);
}
var AUDIENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;
function parseAudience(raw) {
  if (raw === "") return void 0;
  if (!AUDIENCE_PATTERN.test(raw)) {
    throw invalidInput("audience", "audience must be a short identifier (letters, digits and . _ : / -), e.g. `pypi` or `testpypi`; leave it empty to ask the index for its audience.");
  }
  return raw;
}
function parseExportEnv(raw, index) {
  const targets = [];
  const seen = /* @__PURE__ */ new Set();
  for (const item of raw.split(/[\s,]+/).filter((s) => s !== "")) {
    const [toolRaw, repoRaw, ...rest] = item.toLowerCase().split(":");
    const tool = toolRaw;
    if (!UPLOADER_NAMES.includes(tool) || rest.length > 0 || repoRaw !== void 0 && tool !== "poetry") {
      throw invalidInput("export-env", `export-env names '${item.slice(0, 60)}', which is not a tool the action knows. Use a comma separated list of: ${UPLOADER_NAMES.join(", ")} (poetry may name its repository: poetry:<name>). Leave it empty to only set the step output \`api-token\` (the safer choice).`);
    }
    let target = { tool };
    if (tool === "poetry") {
      const repo = repoRaw ?? (index.kind === "custom" ? void 0 : index.kind);
      if (repo === void 0) {
        throw invalidInput("export-env", `poetry needs a repository name for ${index.displayName}: write \`poetry:<name>\` and publish with \`poetry publish -r <name>\`.`);
      }
      if (!/^[a-z0-9_]{1,64}$/.test(repo)) {
        throw invalidInput("export-env", `poetry repository name '${repo.slice(0, 60)}' may use only letters, digits and _.`);
      }
      target = { tool, poetryRepository: repo };
    }
    const key = `${target.tool}:${target.poetryRepository ?? ""}`;
    if (!seen.has(key)) targets.push(target);
    seen.add(key);
  }
  return targets;
}
function readInputs(env) {
  const index = resolveIndexUrl(readInput(env, "index-url"));
  return {
    index,
    audience: parseAudience(readInput(env, "audience")),
    exportEnv: parseExportEnv(readInput(env, "export-env"), index)
  };
}

// src/action/retry-after.ts
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

// src/action/response.ts
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
function unexpectedStatus(res, code, title, detail) {
  const retryable = isTransientStatus(res.status);
  return new ActionFailure(
    code,
    title,
    detail(retryable),
    { retryable, status: res.status, retryAfterMs: retryAfterMs(res.headers) }
  );
}

// src/action/audience.ts
async function discoverAudience(index, send) {
  const target = `the audience endpoint of ${index.displayName} (${index.audienceUrl.href})`;
  const res = await send({ method: "GET", url: index.audienceUrl, target });
  if (res.status === 403) {
    throw new ActionFailure(
      "audience-disabled",
      "Trusted publishing is disabled on the index",
      `${index.displayName} answered 403 at ${index.audienceUrl.pathname}: trusted publishing is switched off there (PyPI does this during incidents or maintenance). Nothing is wrong with your workflow; try again later, and check https://status.python.org/ for pypi.org.`,
      { status: 403 }
    );
  }
  if (res.status === 404) {
    throw new ActionFailure(
      "audience-unsupported",
      "The index does not support trusted publishing",
      `${index.displayName} answered 404 at ${index.audienceUrl.pathname}: it does not offer trusted publishing. Check index-url: use https://upload.pypi.org/legacy/ for PyPI and https://test.pypi.org/legacy/ for TestPyPI; other indexes need a long-lived API token instead.`,
      { status: 404 }
    );
  }
  if (res.status !== 200) {
    throw unexpectedStatus(
      res,
      "audience-unexpected",
      "Unexpected answer from the index",
      (retryable) => `${target} answered HTTP ${res.status}${retryable ? " (a server-side problem)" : ""}.`
    );
  }
  const audience = jsonMember(res.body, "audience");
  if (typeof audience !== "string" || !AUDIENCE_PATTERN.test(audience)) {
    throw new ActionFailure(
      "audience-unexpected",
      "Unexpected answer from the index",
      `${target} answered 200 without a usable JSON \`audience\` string. Is index-url an index that supports trusted publishing? You can also set the \`audience\` input (pypi or testpypi) to skip discovery.`,
      { status: 200 }
    );
  }
  return audience;
}

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

// src/action/claims.ts
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
var GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
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
function workflowFilename(jobWorkflowRef) {
  const m = jobWorkflowRef ? /([^/]+\.(?:yml|yaml))(?=@)/.exec(jobWorkflowRef) : null;
  return m ? m[1] : void 0;
}
function renderClaimLines(claims) {
  return CLAIMS_THAT_MATTER.map((name) => `${name}: ${claimText(claims, name) ?? "MISSING"}`);
}
var mdCell = (s) => s.replace(/\|/g, "\\|").replace(/`/g, "'");
function renderClaimTable(claims) {
  const rows = CLAIMS_THAT_MATTER.map((name) => {
    const v = claimText(claims, name);
    return `| \`${name}\` | ${v === void 0 ? "_MISSING_" : `\`${mdCell(v)}\``} |`;
  });
  return ["| claim | value in this run |", "|---|---|", ...rows].join("\n");
}

// src/action/run-context.ts
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
function readRunContext(env) {
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
var isDependabot = (ctx) => ctx.actor === "dependabot[bot]";
function isEnterpriseServer(ctx) {
  if (!ctx.serverUrl) return false;
  try {
    return new URL(ctx.serverUrl).hostname.toLowerCase() !== "github.com";
  } catch {
    return false;
  }
}

// src/action/diagnose.ts
var PERMISSIONS_DOCS = "https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect#adding-permissions-settings";
var TROUBLESHOOTING = "https://docs.pypi.org/trusted-publishers/troubleshooting/";
function publisherSettings(claims, ctx) {
  const repository = claimText(claims, "repository") ?? ctx.repository;
  const owner = claimText(claims, "repository_owner") ?? ctx.repositoryOwner ?? repository?.split("/")[0];
  const jobWorkflowRef = claimText(claims, "job_workflow_ref") ?? ctx.workflowRef;
  return {
    owner,
    repository: repository?.includes("/") ? repository.slice(repository.indexOf("/") + 1) : repository,
    workflow: workflowFilename(jobWorkflowRef),
    environment: claimText(claims, "environment")
  };
}
function publisherForm(input) {
  const s = publisherSettings(input.claims, input.ctx);
  const web = input.index.webOrigin;
  const projects = input.projects.length > 0 ? input.projects : ["<project>"];
  const pendingName = input.projects.length === 1 ? ` with PyPI Project Name \`${input.projects[0]}\`` : "";
  return {
    indexName: input.index.displayName,
    fields: [
      ["Owner", s.owner],
      ["Repository name", s.repository],
      ["Workflow name", s.workflow],
      ["Environment name", s.environment]
    ],
    pages: [
      ...projects.map((p) => ({ label: `existing project ${p}`, url: `${web}/manage/project/${p}/settings/publishing/` })),
      { label: `new project (a pending publisher${pendingName})`, url: `${web}/manage/account/publishing/` }
    ]
  };
}
function hasCode(f, code) {
  return f?.indexErrors.some((e) => e.code === code) ?? false;
}
function mentions(f, text) {
  return f?.indexErrors.some((e) => text.test(e.description)) ?? false;
}
function runWarnings(claims, ctx) {
  const out = [];
  const eventName = claimText(claims, "event_name") ?? ctx.eventName;
  if (eventName === "pull_request_target") {
    out.push({
      title: "Publishing from pull_request_target",
      text: [
        "This run was triggered by `pull_request_target`, which PyPI refuses for trusted publishing: such runs execute with the base repository's permissions on behalf of a pull request, a known way to publish attacker code. Publish from a tag push, a release, or workflow_dispatch instead."
      ]
    });
  }
  const wf = claimText(claims, "workflow_ref");
  const job = claimText(claims, "job_workflow_ref");
  if (wf !== void 0 && job !== void 0 && wf !== job) {
    out.push({
      title: "Reusable workflow",
      text: [
        `This job runs in a reusable workflow: it was called by \`${wf}\` but its own file is \`${job}\`. PyPI matches the publisher on the job's own file (\`${workflowFilename(job) ?? "?"}\`), and supports reusable workflows only by accident (same repository, same ref). Put the mint and upload steps in a top-level workflow file and register that file on PyPI. See ${TROUBLESHOOTING}#reusable-workflows-on-github`
      ]
    });
  }
  return out;
}
function diagnose(input) {
  const { failure, claims, ctx } = input;
  const out = [];
  const code = failure?.code;
  if (code === "missing-id-token-permission") {
    const missing = input.missingOidcVars?.join(" and ") ?? "ACTIONS_ID_TOKEN_REQUEST_URL";
    const eventName = ctx.eventName ?? "";
    if (ctx.fromFork && eventName.startsWith("pull_request")) {
      out.push({
        title: "Pull request from a fork",
        text: [
          `This run is a \`${eventName}\` from a fork. GitHub gives such runs no OIDC token, even with \`id-token: write\`, so nothing can be published from them (that is the point). Publish from an event forks cannot trigger: a tag push, a release, or workflow_dispatch.`
        ]
      });
    } else if (isDependabot(ctx)) {
      out.push({
        title: "Run triggered by Dependabot",
        text: [
          "This run was triggered by Dependabot. GitHub treats Dependabot runs like fork pull requests: read-only token, no secrets and no OIDC token. Publish from a tag push, a release or workflow_dispatch instead."
        ]
      });
    } else {
      out.push({
        title: "Missing `id-token: write`",
        text: [
          `${missing} ${missing.includes(" and ") ? "are" : "is"} not set: the job was not allowed to request an OIDC token. Give the publishing job (only that job) this permission:`,
          "  permissions:\n    id-token: write",
          `See ${PERMISSIONS_DOCS}`
        ]
      });
    }
  }
  if (code === "audience-disabled" || code === "audience-unsupported") {
    out.push({
      title: code === "audience-disabled" ? "Trusted publishing switched off" : "No trusted publishing on this index",
      text: [failure.message]
    });
  }
  const iss = claimText(claims, "iss");
  const unknownIssuer = mentions(failure, /unknown trusted publishing issuer/i);
  if (isEnterpriseServer(ctx) || unknownIssuer || iss !== void 0 && iss !== GITHUB_ISSUER && input.index.kind !== "custom") {
    out.push({
      title: "OIDC issuer not trusted by PyPI",
      text: [
        `This run's OIDC tokens come from ${iss ? `\`${iss}\`` : "a non-github.com issuer"}${isEnterpriseServer(ctx) ? ` (GitHub Enterprise Server at \`${ctx.serverUrl}\`)` : ""}. PyPI trusts only \`${GITHUB_ISSUER}\`: GitHub Enterprise Server and GHE.com tenants with their own issuer cannot use trusted publishing yet (pypi/warehouse#18970, #17700). Publish from a github.com repository, or use an API token.`
      ]
    });
  }
  if (hasCode(failure, "invalid-token")) {
    const text = ["PyPI could not verify the OIDC token: its signature, audience (`aud`) or time claims (`iat`, `nbf`, `exp`, 30 s leeway) did not check out."];
    if (input.audienceInput) {
      text.push(`You set the audience input to \`${input.audienceInput}\`; ${input.index.displayName} may expect another one (pypi.org: \`pypi\`, test.pypi.org: \`testpypi\`). Leave \`audience\` empty to ask the index.`);
    }
    text.push("A self-hosted runner with a wrong clock also causes this.");
    out.push({ title: "Token not accepted", text });
  }
  if (hasCode(failure, "not-enabled")) {
    out.push({
      title: "GitHub trusted publishing disabled by the index",
      text: [
        `${input.index.displayName} has switched off trusted publishing from GitHub for now. Nothing is wrong with your setup; try again later (https://status.python.org/).`
      ]
    });
  }
  if (hasCode(failure, "invalid-reuse-token")) {
    out.push({
      title: "Token already used",
      text: [
        "Each OIDC token can be exchanged once. The action asked GitHub for a fresh token for every attempt, and the index still saw each as reused: another process may be replaying this job's tokens, or the index's replay cache is misbehaving. Re-run the job; if it persists, report it to the index."
      ]
    });
  }
  if (hasCode(failure, "invalid-pending-publisher")) {
    out.push({
      title: "Pending publisher for an existing project",
      text: [
        "A pending publisher matched this run, but its project already exists on the index. Pending publishers only create new projects: add the publisher on the existing project's publishing page instead."
      ],
      settings: publisherForm(input)
    });
  }
  if (hasCode(failure, "invalid-publisher")) {
    const env = claimText(claims, "environment");
    if (mentions(failure, /environment/i)) {
      out.push({
        title: "Environment mismatch",
        text: [
          env === void 0 ? "The publisher on PyPI names a GitHub environment, but this job runs in none. Add `environment: <name>` to the publishing job, or clear the environment on PyPI." : `This job runs in the environment \`${env}\`, which is not the one the publisher on PyPI names. PyPI compares environment names case-insensitively; a publisher with no environment accepts any.`
        ]
      });
    }
    out.push({
      title: "No trusted publisher matches this run",
      text: [
        "PyPI found no trusted publisher for these claims. Check for a typo, a renamed repository or workflow file, or a publisher added on PyPI while this workflow publishes to TestPyPI (or the reverse): they are separate."
      ],
      settings: publisherForm(input)
    });
  }
  return out;
}

// src/action/dist-projects.ts
var import_node_fs2 = require("node:fs");
var import_node_path = require("node:path");
var normalizeProjectName = (name) => name.replace(/[-_.]+/g, "-").toLowerCase();
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

// src/action/workflow-commands.ts
init_utils();
function escapeData(s) {
  return toCommandValue(s).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
function escapeProperty(s) {
  return escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
function command(name, message, properties = {}) {
  const props = Object.entries(properties).filter((e) => typeof e[1] === "string" && e[1] !== "").map(([k, v]) => `${k}=${escapeProperty(v)}`).join(",");
  return `::${name}${props ? ` ${props}` : ""}::${escapeData(message)}`;
}
var addMask = (secret) => command("add-mask", secret);
var errorAnnotation = (title, message) => command("error", message, { title });
var warningAnnotation = (title, message) => command("warning", message, { title });
function logLine(text) {
  return text.replace(/^::/gm, ": :");
}

// src/action/exchange.ts
var DEFAULT_LIFETIME_SECONDS = 900;
var MAX_ERRORS_SHOWN = 20;
function parseIndexErrors(body, redactor) {
  const list = body?.errors;
  if (!Array.isArray(list)) return [];
  return list.slice(0, MAX_ERRORS_SHOWN).map((e) => {
    const { code, description } = e ?? {};
    return {
      code: redactor.redact(typeof code === "string" ? code : "unknown", 60),
      description: redactor.redact(typeof description === "string" ? description : "", 500)
    };
  });
}
async function mintToken(index, jwt, send, emit, redactor, now = Date.now) {
  const target = `the token endpoint of ${index.displayName} (${index.mintUrl.href})`;
  const res = await send({
    method: "POST",
    url: index.mintUrl,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: jwt }),
    target
  });
  const body = parseJsonBody(res.body);
  if (res.status === 422) {
    const errors = parseIndexErrors(body, redactor);
    const reuse = errors.some((e) => e.code === "invalid-reuse-token");
    throw new ActionFailure(
      "mint-rejected",
      "PyPI refused the token exchange",
      errors.length > 0 ? `${index.displayName} refused to mint a token:
${errors.map((e) => `  * ${e.code}: ${e.description}`).join("\n")}` : `${index.displayName} answered 422 without PyPI's \`errors\` list.`,
      { status: 422, indexErrors: errors, retryable: reuse }
    );
  }
  if (res.status !== 200) {
    const what = res.status >= 500 ? " This is a problem on the index side; wait a few minutes and try again" + (index.kind === "custom" ? "." : " (status: https://status.python.org/).") : "";
    throw unexpectedStatus(
      res,
      "mint-unexpected-status",
      "Unexpected answer from the index",
      () => `${target} answered HTTP ${res.status}.${what}`
    );
  }
  const token = body?.token;
  if (typeof token === "string" && token !== "") {
    emit(addMask(token));
    redactor.add(token);
  }
  if (body === void 0 || typeof token !== "string" || !/^pypi-[\x21-\x7e]+$/.test(token) || token.length > 8192) {
    const why = body === void 0 ? "the body is not JSON" : typeof token !== "string" ? `\`token\` is ${token === null ? "null" : typeof token}` : "the token is not a single-line string starting with `pypi-`";
    throw new ActionFailure(
      "mint-invalid-response",
      "Invalid token response",
      `${target} answered 200 but ${why}. No token was exported. This suggests a misconfigured index or a proxy in the way.`,
      { status: 200 }
    );
  }
  const expiresRaw = body.expires;
  const expires = typeof expiresRaw === "number" && Number.isFinite(expiresRaw) && expiresRaw > 0 ? Math.floor(expiresRaw) : Math.floor(now() / 1e3) + DEFAULT_LIFETIME_SECONDS;
  return { token, expires };
}

// src/action/export.ts
var import_node_fs3 = require("node:fs");
var import_node_os = require("node:os");
function append(path, entries, what) {
  const { prepareKeyValueMessage: prepareKeyValueMessage2 } = (init_file_command(), __toCommonJS(file_command_exports));
  try {
    (0, import_node_fs3.appendFileSync)(path, entries.map(([k, v]) => `${prepareKeyValueMessage2(k, v)}${import_node_os.EOL}`).join(""), { encoding: "utf8" });
  } catch (err) {
    const code = err.code;
    throw new ActionFailure(
      "export-failed",
      `Could not write ${what}`,
      `Writing ${what} failed${typeof code === "string" ? ` (${code})` : ""}; no token was handed over.`
    );
  }
}
function requireOutputFile(env) {
  const path = env.GITHUB_OUTPUT;
  if (!path || !(0, import_node_fs3.existsSync)(path)) {
    throw new ActionFailure(
      "missing-github-output",
      "GITHUB_OUTPUT is not available",
      `${path ? `GITHUB_OUTPUT names a file that does not exist (${path.slice(0, 200)})` : "GITHUB_OUTPUT is not set"}. The action hands the token over only through the step output file and refuses to run without it (older tools fall back to printing outputs in the log). Run it as a step of a GitHub Actions job, on a current runner.`
    );
  }
  return path;
}
function writeOutputs(outputPath, token, expires) {
  append(outputPath, [["api-token", token], ["expires", String(expires)]], "the step outputs (GITHUB_OUTPUT)");
}
function writeUploaderEnv(env, targets, token, uploadUrl) {
  if (targets.length === 0) return [];
  const path = env.GITHUB_ENV;
  if (!path || !(0, import_node_fs3.existsSync)(path)) {
    throw new ActionFailure(
      "export-failed",
      "GITHUB_ENV is not available",
      "export-env asks for environment variables, but GITHUB_ENV is not set or its file is missing."
    );
  }
  const vars = targets.flatMap((t) => uploaderEnv(t, token, uploadUrl));
  append(path, vars.map((v) => [v.name, v.value]), "the environment file (GITHUB_ENV)");
  return vars.map((v) => v.name);
}

// src/action/http.ts
var http2 = __toESM(require("node:http"));

// src/action/proxy.ts
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

// src/action/proxy-tunnel.ts
var http = __toESM(require("node:http"));
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
var isIpLiteral = (host) => /^[\d.]+$/.test(host) || host.includes(":");
function parseProxyUrl(raw) {
  let url;
  try {
    url = new URL(raw.includes("://") ? raw : `http://${raw}`);
  } catch {
    throw new ActionFailure("network", "Unusable proxy setting", "The proxy URL in HTTP(S)_PROXY is not a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ActionFailure(
      "network",
      "Unusable proxy setting",
      `The proxy URL in HTTP(S)_PROXY uses '${url.protocol.replace(/:$/, "")}'; only http:// and https:// proxies are supported.`
    );
  }
  return url;
}
function openTunnel(proxy, target, signal) {
  const port = target.port || (target.protocol === "https:" ? "443" : "80");
  const authority = `${target.hostname}:${port}`;
  const headers = { host: authority };
  if (proxy.username || proxy.password) {
    const credentials = `${safeDecode(proxy.username)}:${safeDecode(proxy.password)}`;
    headers["proxy-authorization"] = `Basic ${Buffer.from(credentials).toString("base64")}`;
  }
  const mod = proxy.protocol === "https:" ? require("node:https") : http;
  return new Promise((resolve, reject) => {
    const req = mod.request({
      host: proxy.hostname.replace(/^\[|\]$/g, ""),
      port: proxy.port || (proxy.protocol === "https:" ? 443 : 80),
      method: "CONNECT",
      path: authority,
      headers,
      signal,
      agent: false
    });
    req.on("connect", (res, socket) => {
      if (res.statusCode === 200) {
        socket.on("error", () => void 0);
        resolve(socket);
        return;
      }
      socket.destroy();
      const status = res.statusCode ?? 0;
      reject(new ActionFailure(
        "network",
        "The proxy refused the connection",
        `The proxy ${proxy.host} answered ${status} to CONNECT ${authority}${status === 407 ? " (it wants credentials: put them in the proxy URL)" : ""}.`,
        { retryable: status >= 500, status }
      ));
    });
    req.on("error", reject);
    req.end();
  });
}
function connectionOver(socket, target) {
  return () => {
    if (target.protocol !== "https:") return socket;
    const tls = require("node:tls");
    const host = target.hostname.replace(/^\[|\]$/g, "");
    return tls.connect({ socket, host, servername: isIpLiteral(host) ? void 0 : host, ALPNProtocols: ["http/1.1"] });
  };
}

// src/action/http.ts
var USER_AGENT = "projen-pypi-mint (trusted publishing mint action)";
async function nodeTransport(req, signal, proxy) {
  const tunnel = proxy ? await openTunnel(proxy, req.url, signal) : void 0;
  const mod = req.url.protocol === "https:" ? require("node:https") : http2;
  const body = req.body === void 0 ? void 0 : Buffer.from(req.body);
  const headers = { ...req.headers, ...body ? { "content-length": String(body.length) } : {}, connection: "close" };
  return new Promise((resolve, reject) => {
    const request = mod.request(req.url, {
      method: req.method,
      headers,
      signal,
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
    const code = e.code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
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
function classify(err, req, timedOutAfterMs, redactor) {
  if (err instanceof ActionFailure) return err;
  if (timedOutAfterMs !== void 0) {
    return new ActionFailure(
      "timeout",
      "Request timed out",
      `${req.target} did not answer within ${(timedOutAfterMs / 1e3).toFixed(1)} s.`,
      { retryable: true }
    );
  }
  const code = errorCode(err);
  const message = err instanceof Error ? err.message : String(err);
  const detail = redactor.redact(code && !message.includes(code) ? `${code}: ${message}` : message, 200);
  if (code.startsWith("HPE_")) {
    return new ActionFailure(
      "protocol-error",
      "Malformed HTTP response",
      `${req.target} sent a response that is not valid HTTP (${detail}).`
    );
  }
  if (code === "ENOTFOUND") {
    return new ActionFailure("network", "Host not found", `${req.target}: the host name ${req.url.hostname} does not resolve (${detail}).`);
  }
  return new ActionFailure(
    "network",
    "Network error",
    `The connection to ${req.target} failed (${detail}).`,
    { retryable: TRANSIENT_CODES.has(code) || /socket hang up|aborted|other side closed|terminated/i.test(message) }
  );
}
async function readCapped(res, req, maxBytes) {
  const declared = Number(firstHeaders(res.headers)["content-length"]);
  const tooLarge = () => new ActionFailure(
    "response-too-large",
    "Response too large",
    `${req.target} sent more than ${Math.round(maxBytes / 1024)} KiB; the action reads at most that much and stopped.`,
    { status: res.status }
  );
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks = [];
  let total = 0;
  for await (const chunk of res.body) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk);
    total += buf.length;
    if (total > maxBytes) throw tooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
function redirectFailure(res, req) {
  const location = firstHeaders(res.headers).location;
  let where = "an unnamed location";
  if (location) {
    try {
      const to = new URL(location, req.url);
      where = to.host === req.url.host ? `${to.protocol}//${to.host} (same host)` : `${to.protocol}//${to.host}`;
    } catch {
      where = "an unparseable location";
    }
  }
  return new ActionFailure(
    "redirect-refused",
    "Redirect refused",
    `${req.target} answered ${res.status}, a redirect to ${where}. The action never follows redirects, so a credential cannot be re-sent to another place; point index-url at the final address.`,
    { status: res.status }
  );
}
function createHttp(env, limits, redactor, now = Date.now) {
  return async (req) => {
    const remaining = limits.deadline - now();
    if (remaining <= 0) {
      throw new ActionFailure("deadline-exceeded", "Out of time", `No time left to contact ${req.target}.`);
    }
    const timeoutMs = Math.min(limits.requestTimeoutMs, remaining);
    const proxyRaw = proxyFor(req.url, env);
    const proxy = proxyRaw === void 0 ? void 0 : parseProxyUrl(proxyRaw);
    if (proxy?.password) redactor.add(safeDecode(proxy.password));
    const headers = { "user-agent": USER_AGENT, "accept": "application/json", ...req.headers };
    const controller = new AbortController();
    let timedOut;
    const timer = setTimeout(() => {
      timedOut = timeoutMs;
      controller.abort();
    }, timeoutMs);
    let res;
    try {
      res = await nodeTransport({ ...req, headers }, controller.signal, proxy);
      if (res.status >= 300 && res.status < 400) throw redirectFailure(res, req);
      const body = await readCapped(res, req, limits.maxBodyBytes);
      return { status: res.status, headers: firstHeaders(res.headers), body };
    } catch (err) {
      const failure = classify(err, req, timedOut, redactor);
      if (!proxy || failure.code !== "network" || failure.title === "The proxy refused the connection") throw failure;
      throw new ActionFailure(failure.code, failure.title, `${failure.message} (through the proxy ${proxy.host})`, {
        retryable: failure.retryable,
        status: failure.status
      });
    } finally {
      clearTimeout(timer);
      res?.dispose();
    }
  };
}

// src/action/oidc.ts
function oidcRequestConfig(env) {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim();
  const token = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim();
  if (!url || !token) return void 0;
  const fail = (message) => new ActionFailure("oidc-request-failed", "Unusable ACTIONS_ID_TOKEN_REQUEST_URL", message);
  return { requestUrl: requireSecureUrl(url, "ACTIONS_ID_TOKEN_REQUEST_URL", fail), requestToken: token };
}
function audienceRequestUrl(base, audience) {
  const url = new URL(base.href);
  url.searchParams.set("audience", audience);
  return url;
}
async function requestOidcToken(config, audience, send, emit, redactor) {
  const target = "GitHub's OIDC token endpoint";
  const res = await send({
    method: "GET",
    url: audienceRequestUrl(config.requestUrl, audience),
    headers: { authorization: `bearer ${config.requestToken}` },
    target
  });
  if (res.status !== 200) {
    throw unexpectedStatus(
      res,
      "oidc-request-failed",
      "OIDC token request failed",
      (retryable) => `${target} answered HTTP ${res.status}${retryable ? "" : "; the runner refused to issue an OIDC token for this job"}.`
    );
  }
  const value = jsonMember(res.body, "value");
  if (typeof value !== "string" || value === "") {
    throw new ActionFailure(
      "oidc-invalid-response",
      "Invalid OIDC token response",
      `${target} answered 200 without a string \`value\` in a JSON body; no OIDC token was issued.`
    );
  }
  emit(addMask(value));
  redactor.add(value);
  const claims = decodeClaims(value);
  if (!claims) {
    throw new ActionFailure(
      "oidc-invalid-response",
      "Invalid OIDC token response",
      `${target} returned a value that is not a JWT; it was not sent anywhere.`
    );
  }
  const aud = claims.aud;
  if (aud !== audience) {
    throw new ActionFailure(
      "oidc-wrong-audience",
      "OIDC token has the wrong audience",
      `GitHub issued a token for audience ${claimText(claims, "aud") ?? "MISSING"} instead of '${audience}'. It was not sent to the index. This happens when ACTIONS_ID_TOKEN_REQUEST_URL is rewritten by a proxy or a wrapper that drops the audience parameter.`
    );
  }
  return { jwt: value, claims };
}

// src/action/redact.ts
var JWT_SHAPE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;
var TOKEN_SHAPE = /pypi-[A-Za-z0-9_-]{40,}/g;
var URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi;
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
    out = out.replace(JWT_SHAPE, "***").replace(TOKEN_SHAPE, "pypi-***").replace(URL_CREDENTIALS, "$1***@");
    out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]+/g, " ");
    return out.length > maxLength ? `${out.slice(0, maxLength)}… (${out.length - maxLength} more characters cut)` : out;
  }
};

// src/action/report.ts
var TROUBLESHOOTING2 = "https://docs.pypi.org/trusted-publishers/troubleshooting/";
function renderFormText(form) {
  return [
    `Add a trusted publisher (GitHub) on ${form.indexName} with exactly these values for this run:`,
    ...form.fields.map(([label, v]) => `  ${label}: ${v === void 0 ? label.startsWith("Environment") ? "(leave empty: this job runs in no environment)" : "(unknown)" : `\`${v}\``}`),
    "Where:",
    ...form.pages.map((p) => `  ${p.label}: ${p.url}`)
  ];
}
function renderFormMarkdown(form) {
  return [
    `Add a trusted publisher (GitHub) on ${md(form.indexName)} with exactly these values for this run:`,
    "",
    "| field | value |",
    "|---|---|",
    ...form.fields.map(([label, v]) => `| ${label} | ${v === void 0 ? label.startsWith("Environment") ? "_(leave empty: this job runs in no environment)_" : "_(unknown)_" : `\`${mdCell2(v)}\``} |`),
    "",
    ...form.pages.map((p) => `- ${md(p.label)}: ${md(p.url)}`)
  ].join("\n");
}
function renderAnnotation(r) {
  const parts = [r.failure.message];
  for (const d of r.diagnoses) parts.push([`${d.title}:`, ...d.text, ...d.settings ? renderFormText(d.settings) : []].join("\n"));
  if (r.claims) {
    parts.push(`Claims of this run's OIDC token (for debugging; do not copy them into PyPI unless they are what you expect):
${renderClaimLines(r.claims).map((l) => `  ${l}`).join("\n")}`);
  }
  if (r.failure.indexErrors.length > 0) parts.push(`More help: ${TROUBLESHOOTING2}`);
  return parts.join("\n\n");
}
var md = (s) => s.replace(/</g, "&lt;").replace(/>/g, "&gt;");
var mdCell2 = (s) => md(s).replace(/\|/g, "\\|").replace(/\n/g, " ");
function paragraphs(text) {
  const out = [];
  let block = [];
  const flush = () => {
    if (block.length) out.push(["```", ...block.map((l) => l.replace(/`/g, "'")), "```"].join("\n"));
    block = [];
  };
  for (const line of text.join("\n").split("\n")) {
    if (/^\s{2}/.test(line)) {
      block.push(line.slice(2));
    } else {
      flush();
      out.push(md(line));
    }
  }
  flush();
  return out.join("\n\n");
}
function renderSummary(r) {
  const out = [`## PyPI trusted publishing failed: ${md(r.failure.title)}`, "", `Error code: \`${r.failure.code}\``, ""];
  const firstLine = r.failure.indexErrors.length > 0 ? r.failure.message.split("\n")[0] : r.failure.message;
  out.push(paragraphs([firstLine]), "");
  if (r.failure.indexErrors.length > 0) {
    out.push(
      `### Reasons given by ${md(r.indexName)}`,
      "",
      "| code | description |",
      "|---|---|",
      ...r.failure.indexErrors.map((e) => `| \`${mdCell2(e.code)}\` | ${mdCell2(e.description)} |`),
      ""
    );
    const tail = r.failure.message.split("\n").filter((l) => l.startsWith("(gave up"));
    if (tail.length) out.push(md(tail.join(" ")), "");
  }
  for (const d of r.diagnoses) {
    out.push(`### ${md(d.title)}`, "", paragraphs(d.text), "");
    if (d.settings) out.push(renderFormMarkdown(d.settings), "");
  }
  if (r.claims) {
    out.push(
      "### Claims of this run's OIDC token",
      "",
      "_Shown for debugging (never the token itself). Do not copy them into PyPI unless they are what you expect._",
      "",
      renderClaimTable(r.claims),
      ""
    );
  }
  out.push(`More help: ${TROUBLESHOOTING2}`, "");
  return out.join("\n");
}
function renderSuccessSummary(indexName, audience, expires, exported) {
  const at = new Date(expires * 1e3).toISOString();
  return [
    "## PyPI trusted publishing: token minted",
    "",
    `A token for ${md(indexName)} (audience \`${md(audience)}\`) was minted; it expires at ${at}.`,
    `It is available as the step output \`api-token\`${exported.length ? ` and, as asked, in ${exported.map((n) => `\`${n}\``).join(", ")}` : ""}.`,
    ""
  ].join("\n");
}

// src/action/retry.ts
var DEFAULT_TIMING = {
  requestTimeoutMs: 1e4,
  totalTimeoutMs: 6e4,
  backoffMs: [1e3, 2e3, 4e3, 8e3],
  maxRetryAfterMs: 2e4
};
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function retryDelayMs(failure, retryIndex, timing, random) {
  const base = timing.backoffMs[Math.min(retryIndex, timing.backoffMs.length - 1)] ?? 0;
  const jittered = Math.round(base * (0.75 + 0.5 * random()));
  const asked = failure.retryAfterMs === void 0 ? 0 : Math.min(failure.retryAfterMs, timing.maxRetryAfterMs);
  return Math.max(jittered, asked);
}
function gaveUp(failure, attempts, reason) {
  return new ActionFailure(failure.code, failure.title, `${failure.message}
(gave up after ${attempts} attempt${attempts === 1 ? "" : "s"}: ${reason})`, {
    status: failure.status,
    indexErrors: failure.indexErrors,
    retryable: false
  });
}
async function withRetries(attempt, timing, deadline, hooks) {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!(err instanceof ActionFailure) || !err.retryable) throw err;
      if (n > timing.backoffMs.length) throw gaveUp(err, n, "retry limit reached");
      const delay = retryDelayMs(err, n - 1, timing, hooks.random);
      if (hooks.now() + delay >= deadline) {
        throw gaveUp(err, n, `the next attempt would pass the ${Math.round(timing.totalTimeoutMs / 1e3)} s time limit`);
      }
      hooks.onRetry(err, n, delay);
      await hooks.sleep(delay);
    }
  }
}

// src/action/run.ts
var MAX_RESPONSE_BYTES = 64 * 1024;
async function runAction(env, io2, timing) {
  const t = { ...DEFAULT_TIMING, ...timing };
  const deadline = Date.now() + t.totalTimeoutMs;
  const redactor = new Redactor();
  const emit = (line) => io2.write(line);
  const log = (text) => io2.write(logLine(redactor.redact(text, 4e3)));
  const ctx = readRunContext(env);
  let inputs;
  let claims;
  let missingOidcVars;
  const warned = /* @__PURE__ */ new Set();
  const warn = (ws) => {
    for (const w of ws.filter((x) => !warned.has(x.title))) {
      warned.add(w.title);
      emit(warningAnnotation(w.title, redactor.redact(w.text.join("\n"), 4e3)));
    }
  };
  try {
    const outputPath = requireOutputFile(env);
    inputs = readInputs(env);
    const index = inputs.index;
    if (inputs.exportEnv.length > 0 && !(env.GITHUB_ENV && (0, import_node_fs4.existsSync)(env.GITHUB_ENV))) {
      throw new ActionFailure(
        "invalid-input",
        "export-env without GITHUB_ENV",
        "export-env asks for environment variables, but GITHUB_ENV is not set or names no file: nothing was requested."
      );
    }
    const oidc = oidcRequestConfig(env);
    if (!oidc) {
      missingOidcVars = ["ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"].filter((n) => !env[n]?.trim());
      throw new ActionFailure(
        "missing-id-token-permission",
        "No OIDC token available",
        `GitHub gave this job no way to request an OIDC token (${missingOidcVars.join(" and ")} not set).`
      );
    }
    redactor.add(oidc.requestToken);
    warn(runWarnings(void 0, ctx));
    const send = createHttp(env, { requestTimeoutMs: t.requestTimeoutMs, deadline, maxBodyBytes: MAX_RESPONSE_BYTES }, redactor);
    const hooks = {
      now: Date.now,
      sleep: realSleep,
      random: Math.random,
      onRetry: (f, attempt, delayMs) => log(`Attempt ${attempt} failed (${f.code}: ${f.message.split("\n")[0].replace(/\.$/, "")}); retrying in ${(delayMs / 1e3).toFixed(1)} s with a fresh OIDC token.`)
    };
    let audience = inputs.audience;
    if (audience === void 0) {
      log(`Asking ${index.displayName} for its trusted-publishing audience (${index.audienceUrl.href})`);
      audience = await withRetries(() => discoverAudience(index, send), t, deadline, hooks);
    }
    log(`Index ${index.displayName}, audience '${audience}'${inputs.audience ? " (from the audience input)" : ""}`);
    const aud = audience;
    const minted = await withRetries(async () => {
      const oidcToken = await requestOidcToken(oidc, aud, send, emit, redactor);
      claims = oidcToken.claims;
      warn(runWarnings(claims, ctx));
      log(`Got an OIDC token for ${claimText(claims, "repository") ?? "?"} (${claimText(claims, "job_workflow_ref") ?? "?"}); exchanging it at ${index.mintUrl.href}`);
      return mintToken(index, oidcToken.jwt, send, emit, redactor);
    }, t, deadline, hooks);
    writeOutputs(outputPath, minted.token, minted.expires);
    const exported = writeUploaderEnv(env, inputs.exportEnv, minted.token, index.uploadUrl);
    log(`Minted a PyPI token for ${index.displayName}, valid until ${new Date(minted.expires * 1e3).toISOString()}; it is in the step output api-token${exported.length ? ` and in ${exported.join(", ")}` : ""}.`);
    appendSummary(env, renderSuccessSummary(index.displayName, aud, minted.expires, exported));
    return 0;
  } catch (err) {
    const failure = asFailure(err);
    const index = inputs?.index ?? safeIndex(env);
    const diagnoses = diagnose({
      failure,
      claims,
      ctx,
      index,
      audienceInput: inputs?.audience,
      missingOidcVars,
      projects: distProjects([process.cwd(), ...env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE] : []])
    });
    const warnings = runWarnings(claims, ctx);
    const report = { failure, claims, indexName: index.displayName };
    emit(errorAnnotation(failure.title, redactor.redact(
      renderAnnotation({ ...report, diagnoses: [...diagnoses, ...warnings.filter((w) => !warned.has(w.title))] }),
      2e4
    )));
    appendSummary(env, redactor.redact(renderSummary({ ...report, diagnoses: [...diagnoses, ...warnings] }), 6e4));
    return 1;
  }
}
function safeIndex(env) {
  try {
    return resolveIndexUrl(env["INPUT_INDEX-URL"] ?? env.INPUT_INDEX_URL ?? "");
  } catch {
    return resolveIndexUrl("");
  }
}
function appendSummary(env, markdown) {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return;
  try {
    (0, import_node_fs4.appendFileSync)(path, `${markdown}
`, { encoding: "utf8" });
  } catch {
  }
}

// src/action/main.ts
var io = { write: (line) => void process.stdout.write(`${line}${import_node_os2.EOL}`) };
var decided;
function finish(code) {
  decided = code;
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1e3).unref();
}
function unexpected() {
  io.write("::error title=Unexpected error in the mint action::The action failed unexpectedly and minted no token.");
  finish(1);
}
process.on("uncaughtException", () => decided === void 0 ? unexpected() : process.exit(decided));
process.on("unhandledRejection", () => decided === void 0 ? unexpected() : void 0);
runAction(process.env, io).then(finish, unexpected);
