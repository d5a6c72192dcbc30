#!/usr/bin/env node
// @ts-check
/*
 * Applies the GitHub settings a PyPI release workflow relies on, with the GitHub CLI (`gh api`):
 *   - one environment per index whose deployment policy admits only tags matching the release patterns, with the
 *     required reviewers the plan names;
 *   - one tag ruleset that lets only repository admins create, move or delete tags matching those patterns.
 * PyPI never checks which commit a tag points at: only these server-side settings keep a person with write access
 * from publishing an unreviewed commit. GitHub creates a missing environment on first use, unprotected.
 *
 * Usage: node setup.cjs <plan.json> [--dry-run]
 * The plan is written by projen (projen-pypi-mint's PypiRelease); this file is copied verbatim from that package.
 * Idempotent: it reads the current settings first and writes only what differs. `--dry-run` still reads, and
 * prints the writes instead of sending them.
 *
 * REST endpoints (https://docs.github.com/en/rest):
 *   PUT  /repos/{owner}/{repo}/environments/{name}                          deployments/environments
 *   GET|POST /repos/{owner}/{repo}/environments/{name}/deployment-branch-policies   deployments/branch-policies
 *   DELETE   /repos/{owner}/{repo}/environments/{name}/deployment-branch-policies/{id}
 *   GET|POST /repos/{owner}/{repo}/rulesets, GET|PUT /repos/{owner}/{repo}/rulesets/{id}   repos/rules
 */
'use strict';

const { spawnSync } = require('child_process');
const { readFileSync } = require('fs');

/** Repository admins may still create release tags (RepositoryRole 5 is the admin role in the rulesets API). */
const ADMIN_BYPASS = { actor_id: 5, actor_type: 'RepositoryRole', bypass_mode: 'always' };
/** What the tag ruleset forbids everyone but its bypass list: creating, moving and deleting a release tag. */
const TAG_RULES = ['creation', 'update', 'deletion'];

// --- messages, kept together --------------------------------------------------------------------------------------
const PREFIX = 'pypi:github-setup';
const PLAN_NOTE = 'Which GitHub plans have these settings: environments with deployment policies and tag rulesets '
  + 'exist for public repositories on every plan, and for private ones on GitHub Pro, Team and Enterprise; required '
  + 'reviewers on a private repository need GitHub Enterprise (docs.github.com: "Managing environments for deployment").';
const MESSAGES = {
  usage: `usage: node setup.cjs <plan.json> [--dry-run]`,
  badPlan: (/** @type {string} */ path, /** @type {string} */ why) => `cannot read the plan ${path}: ${why} (re-run "npx projen" to write it)`,
  noGh: 'the GitHub CLI (gh) is not on PATH: install it (https://cli.github.com) and run "gh auth login", then run this task again',
  ghFailed: (/** @type {string} */ why) => `could not run gh: ${why}`,
  notLoggedIn: 'gh is not logged in to GitHub: run "gh auth login" (or set GH_TOKEN to a token with admin rights on the repository), then run this task again',
  noAnswer: (/** @type {string} */ call, /** @type {string} */ stderr) => `${call}: gh gave no HTTP answer${stderr ? `: ${stderr}` : ''}`,
  notAdmin: (/** @type {string} */ repo) => `your GitHub account is not an admin of ${repo}: environments and rulesets need admin rights (ask an admin to run this task, or use --dry-run to see what it would change)`,
  status: {
    401: 'GitHub did not accept the credentials gh sent (expired or revoked): run "gh auth login" again',
    403: 'GitHub refused: this needs admin rights on the repository, and a token that carries them (classic: the "repo" scope; fine-grained: "Administration: write"). A private repository may also need a paid plan. ' + PLAN_NOTE,
    404: 'GitHub answered 404 Not Found: the repository, user or team does not exist or your account cannot see it (a private repository without the plan for it answers 404 too). ' + PLAN_NOTE,
    422: 'GitHub refused the request as invalid',
  },
  reviewerMissing: (/** @type {string} */ who) => `reviewer "${who}" does not exist or is not visible to your account (users as "login", teams as "org/team-slug"; a reviewer needs access to the repository)`,
  done: (/** @type {number} */ n) => `${n} change${n === 1 ? '' : 's'} applied.`,
  dryDone: (/** @type {number} */ n) => `dry run: ${n} change${n === 1 ? '' : 's'} would be made; nothing was sent.`,
  nothing: 'Nothing to change: the environments and the tag ruleset are already as configured.',
};

class SetupError extends Error {}

/** Server text reaches a terminal: no control characters (escape sequences), bounded length. */
function plain(/** @type {unknown} */ text) {
  // eslint-disable-next-line no-control-regex
  return String(text ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?').slice(0, 2000);
}

// --- gh -----------------------------------------------------------------------------------------------------------

/**
 * @typedef {{ status: number, body: any }} Answer
 * @typedef {{ method: string, path: string, body?: unknown }} Call
 */

/** Renders a call the way a person would type it (what --dry-run prints). */
function renderCall(/** @type {Call} */ call) {
  const line = `gh api --method ${call.method} ${call.path}`;
  return call.body === undefined ? line : `${line} --input - <<'JSON'\n${JSON.stringify(call.body, null, 2)}\nJSON`;
}

/** Runs gh with the arguments given; a missing gh is the one failure it reports itself. */
function runGh(/** @type {string[]} */ args, /** @type {string | undefined} */ input) {
  const result = spawnSync('gh', args, { input, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, GH_PROMPT_DISABLED: '1', NO_COLOR: '1', GH_PAGER: 'cat' } });
  if (result.error) {
    if (/** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT') throw new SetupError(MESSAGES.noGh);
    throw new SetupError(MESSAGES.ghFailed(plain(result.error.message)));
  }
  return result;
}

/**
 * One REST call through `gh api --include`: the status line tells the HTTP status whatever gh's exit code, so a
 * 404 can be an answer (an environment that does not exist yet) rather than a failure.
 * @returns {Answer}
 */
function api(/** @type {Call} */ call) {
  const args = ['api', '--include', '--method', call.method, '-H', 'Accept: application/vnd.github+json', '-H', 'X-GitHub-Api-Version: 2022-11-28', call.path];
  if (call.body !== undefined) args.push('--input', '-');
  const result = runGh(args, call.body === undefined ? undefined : JSON.stringify(call.body));
  const stdout = result.stdout ?? '';
  const statusLine = /^HTTP\/[0-9.]+ (\d{3})/.exec(stdout);
  if (!statusLine) {
    // gh exits 4 when it has no credentials, before any request
    if (result.status === 4 || /gh auth login/.test(result.stderr ?? '')) throw new SetupError(MESSAGES.notLoggedIn);
    throw new SetupError(MESSAGES.noAnswer(`${call.method} ${call.path}`, plain((result.stderr ?? '').trim())));
  }
  const headerEnd = stdout.search(/\r?\n\r?\n/);
  const text = headerEnd < 0 ? '' : stdout.slice(headerEnd).trim();
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = { message: text };
    }
  }
  return { status: Number(statusLine[1]), body };
}

/** A failed call as one clear message: what was asked, what GitHub said, and what to do about it. */
function failure(/** @type {Call} */ call, /** @type {Answer} */ answer) {
  const said = answer.body && typeof answer.body === 'object' ? plain(answer.body.message) : '';
  const details = answer.body && Array.isArray(answer.body.errors)
    ? answer.body.errors.map((/** @type {any} */ e) => plain(typeof e === 'string' ? e : e.message ?? JSON.stringify(e))).join('; ')
    : '';
  const known = /** @type {Record<number, string>} */ (MESSAGES.status)[answer.status];
  const what = known ?? `GitHub answered HTTP ${answer.status}`;
  const server = [said, details].filter(Boolean).join(': ');
  return new SetupError(`${call.method} ${call.path} failed (HTTP ${answer.status}${server ? `: ${server}` : ''}). ${what}`);
}

/** A call that must succeed (2xx). */
function must(/** @type {Call} */ call) {
  const answer = api(call);
  if (answer.status < 200 || answer.status > 299) throw failure(call, answer);
  return answer.body;
}

// --- the plan -----------------------------------------------------------------------------------------------------

/**
 * @typedef {{ name: string, tagPatterns: string[], branchPatterns?: string[], reviewers?: string[], preventSelfReview?: boolean }} EnvironmentPlan
 * @typedef {{ name: string, tagPatterns: string[] }} RulesetPlan
 * @typedef {{ repository: string, environments: EnvironmentPlan[], tagRuleset: RulesetPlan }} Plan
 */

/** @returns {Plan} */
function readPlan(/** @type {string} */ path) {
  let plan;
  try {
    plan = JSON.parse(readFileSync(path, 'utf-8'));
  } catch (error) {
    throw new SetupError(MESSAGES.badPlan(path, plain(/** @type {Error} */ (error).message)));
  }
  const strings = (/** @type {unknown} */ v) => Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0);
  const ok = plan && typeof plan.repository === 'string' && /^[^/\s]+\/[^/\s]+$/.test(plan.repository)
    && Array.isArray(plan.environments) && plan.environments.every((/** @type {any} */ e) => e && typeof e.name === 'string' && strings(e.tagPatterns) && (e.branchPatterns === undefined || strings(e.branchPatterns)) && (e.reviewers === undefined || strings(e.reviewers)))
    && plan.tagRuleset && typeof plan.tagRuleset.name === 'string' && strings(plan.tagRuleset.tagPatterns);
  if (!ok) throw new SetupError(MESSAGES.badPlan(path, 'it is not a plan this script understands'));
  return plan;
}

// --- reading the current settings and deciding what to write -------------------------------------------------------

/** `{type, id}` for "login" (a user) or "org/team-slug" (a team); GitHub's reviewers take ids. */
function resolveReviewer(/** @type {string} */ who) {
  const team = /^([^/]+)\/([^/]+)$/.exec(who);
  const call = team
    ? { method: 'GET', path: `/orgs/${encodeURIComponent(team[1])}/teams/${encodeURIComponent(team[2])}` }
    : { method: 'GET', path: `/users/${encodeURIComponent(who)}` };
  const answer = api(call);
  if (answer.status === 404) throw new SetupError(MESSAGES.reviewerMissing(who));
  if (answer.status !== 200) throw failure(call, answer);
  return { type: team ? 'Team' : 'User', id: Number(answer.body.id) };
}

const sameSet = (/** @type {unknown[]} */ a, /** @type {unknown[]} */ b) => {
  const key = (/** @type {unknown} */ v) => JSON.stringify(v);
  const left = new Set(a.map(key));
  return left.size === new Set(b.map(key)).size && b.every((v) => left.has(key(v)));
};

/**
 * The writes one environment needs.
 * @returns {{ summary: string, call: Call }[]}
 */
function environmentChanges(/** @type {string} */ repoPath, /** @type {EnvironmentPlan} */ env) {
  const envPath = `${repoPath}/environments/${encodeURIComponent(env.name)}`;
  const getEnv = { method: 'GET', path: envPath };
  const current = api(getEnv);
  if (current.status !== 200 && current.status !== 404) throw failure(getEnv, current);
  const exists = current.status === 200;
  const rules = exists && Array.isArray(current.body.protection_rules) ? current.body.protection_rules : [];
  const reviewerRule = rules.find((/** @type {any} */ r) => r.type === 'required_reviewers');
  const waitRule = rules.find((/** @type {any} */ r) => r.type === 'wait_timer');
  const currentReviewers = reviewerRule ? reviewerRule.reviewers.map((/** @type {any} */ r) => ({ type: r.type, id: Number(r.reviewer.id) })) : [];
  const currentPolicy = exists ? current.body.deployment_branch_policy : null;

  // What the plan does not name stays as it is: reviewers when none are configured, the wait timer, self-review.
  const reviewers = env.reviewers ? env.reviewers.map(resolveReviewer) : currentReviewers;
  const preventSelfReview = env.preventSelfReview ?? (reviewerRule ? Boolean(reviewerRule.prevent_self_review) : false);
  const desired = {
    wait_timer: waitRule ? Number(waitRule.wait_timer) : 0,
    prevent_self_review: preventSelfReview,
    reviewers,
    deployment_branch_policy: { protected_branches: false, custom_branch_policies: true },
  };
  /** @type {{ summary: string, call: Call }[]} */
  const changes = [];
  const policyOk = currentPolicy && currentPolicy.protected_branches === false && currentPolicy.custom_branch_policies === true;
  const reviewersOk = sameSet(currentReviewers, reviewers) && (reviewers.length === 0 || Boolean(reviewerRule?.prevent_self_review) === preventSelfReview);
  if (!exists || !policyOk || !reviewersOk) {
    const why = !exists ? 'create' : [!policyOk && 'deployments from the release refs only', !reviewersOk && 'required reviewers'].filter(Boolean).join(' and ');
    changes.push({ summary: `environment "${env.name}": ${why}${reviewers.length ? ` (reviewers: ${(env.reviewers ?? reviewers.map((r) => `${r.type} ${r.id}`)).join(', ')})` : ''}`, call: { method: 'PUT', path: envPath, body: desired } });
  }

  /** @type {{ id: number, name: string, type?: string }[]} */
  let policies = [];
  if (exists && policyOk) {
    const list = must({ method: 'GET', path: `${envPath}/deployment-branch-policies?per_page=100` });
    policies = Array.isArray(list.branch_policies) ? list.branch_policies : [];
  }
  // the release refs: tags for a tag-triggered release, the release branches for projen's (retrofitted) pipeline
  const wanted = [
    ...env.tagPatterns.map((name) => ({ name, type: 'tag', what: 'tags' })),
    ...(env.branchPatterns ?? []).map((name) => ({ name, type: 'branch', what: 'the branch' })),
  ];
  for (const w of wanted) {
    if (!policies.some((p) => p.name === w.name && (p.type ?? 'branch') === w.type)) {
      changes.push({ summary: `environment "${env.name}": allow ${w.what} ${w.type === 'tag' ? 'matching ' : ''}${w.name}`, call: { method: 'POST', path: `${envPath}/deployment-branch-policies`, body: { name: w.name, type: w.type } } });
    }
  }
  for (const p of policies) {
    if (!wanted.some((w) => w.name === p.name && w.type === (p.type ?? 'branch'))) {
      changes.push({ summary: `environment "${env.name}": remove the deployment policy for ${p.type ?? 'branch'} ${p.name} (only the release refs deploy)`, call: { method: 'DELETE', path: `${envPath}/deployment-branch-policies/${p.id}` } });
    }
  }
  return changes;
}

/**
 * The write the tag ruleset needs, if any. Bypass actors someone added by hand are kept.
 * @returns {{ summary: string, call: Call }[]}
 */
function rulesetChanges(/** @type {string} */ repoPath, /** @type {RulesetPlan} */ plan) {
  // a release that publishes from a branch (projen's pipeline, retrofitted) has no release tags to protect
  if (plan.tagPatterns.length === 0) return [];
  const list = must({ method: 'GET', path: `${repoPath}/rulesets?includes_parents=false&per_page=100` });
  const summary = Array.isArray(list) ? list.find((/** @type {any} */ r) => r.name === plan.name && r.source_type !== 'Organization') : undefined;
  const include = plan.tagPatterns.map((p) => `refs/tags/${p}`);
  const body = {
    name: plan.name,
    target: 'tag',
    enforcement: 'active',
    conditions: { ref_name: { include, exclude: [] } },
    rules: TAG_RULES.map((type) => ({ type })),
    bypass_actors: [ADMIN_BYPASS],
  };
  if (!summary) {
    return [{ summary: `tag ruleset "${plan.name}": create (only admins create, move or delete tags matching ${plan.tagPatterns.join(', ')})`, call: { method: 'POST', path: `${repoPath}/rulesets`, body } }];
  }
  const current = must({ method: 'GET', path: `${repoPath}/rulesets/${summary.id}` });
  const bypass = Array.isArray(current.bypass_actors) ? current.bypass_actors : [];
  const hasAdmin = bypass.some((/** @type {any} */ b) => b.actor_type === ADMIN_BYPASS.actor_type && Number(b.actor_id) === ADMIN_BYPASS.actor_id);
  const ref = current.conditions?.ref_name ?? {};
  const same = current.target === 'tag' && current.enforcement === 'active' && hasAdmin
    && sameSet(ref.include ?? [], include) && (ref.exclude ?? []).length === 0
    && sameSet((current.rules ?? []).map((/** @type {any} */ r) => r.type), TAG_RULES);
  if (same) return [];
  const keep = bypass.map((/** @type {any} */ b) => ({ actor_id: b.actor_id, actor_type: b.actor_type, bypass_mode: b.bypass_mode }));
  return [{ summary: `tag ruleset "${plan.name}": update to protect ${plan.tagPatterns.join(', ')}`, call: { method: 'PUT', path: `${repoPath}/rulesets/${summary.id}`, body: { ...body, bypass_actors: hasAdmin ? keep : [...keep, ADMIN_BYPASS] } } }];
}

// --- main ---------------------------------------------------------------------------------------------------------

function main(/** @type {string[]} */ argv) {
  const dryRun = argv.includes('--dry-run');
  const positional = argv.filter((a) => a !== '--dry-run');
  if (positional.length !== 1 || positional[0].startsWith('-')) throw new SetupError(MESSAGES.usage);
  const plan = readPlan(positional[0]);

  runGh(['--version'], undefined);
  if (runGh(['auth', 'status'], undefined).status !== 0) throw new SetupError(MESSAGES.notLoggedIn);

  const [owner, name] = plan.repository.split('/');
  const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
  const repo = must({ method: 'GET', path: repoPath });
  if (!dryRun && repo.permissions && repo.permissions.admin === false) throw new SetupError(MESSAGES.notAdmin(plan.repository));

  console.log(`${PREFIX}: ${plan.repository}${dryRun ? ' (dry run)' : ''}`);
  /** @type {{ summary: string, call: Call }[]} */
  const changes = [];
  for (const env of plan.environments) changes.push(...environmentChanges(repoPath, env));
  changes.push(...rulesetChanges(repoPath, plan.tagRuleset));

  for (const change of changes) {
    console.log(`- ${change.summary}`);
    if (dryRun) console.log(renderCall(change.call).replace(/^/gm, '    '));
    else must(change.call);
  }
  if (changes.length === 0) console.log(MESSAGES.nothing);
  else console.log(dryRun ? MESSAGES.dryDone(changes.length) : MESSAGES.done(changes.length));
  if (plan.environments.some((e) => !e.reviewers || e.reviewers.length === 0)) {
    console.log(`Note: an environment without required reviewers lets anyone who may push a release tag publish. ${PLAN_NOTE}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`${PREFIX}: ${error.message}`);
  process.exitCode = 1;
}
