import { join } from 'path';
import { Component, JsonFile, Project } from 'projen';
import { ConfigErrorClass, PypiReleaseConfigError } from './errors';
import { PACKAGE_ROOT, ShippedFile } from './shipped-file';

/**
 * The GitHub side of a release, as code: PyPI never checks which commit a tag points at, so only server-side
 * settings keep a person with write access from publishing an unreviewed commit. This component writes a plan of
 * those settings and adds the `pypi:github-setup` task that applies it with the GitHub CLI.
 *
 * The script is `github-setup/setup.cjs` of this package, copied into the repository: it has no dependencies, runs
 * with the Node.js projen needs anyway (for `.projenrc.py` projects too, where this package's `lib/` is not on disk
 * for node to run), and what runs with an admin's GitHub credentials is reviewable in the repository's own history.
 */

/** Where the script and its plan live in the repository. */
export const GITHUB_SETUP_DIR = '.github/pypi-github-setup';
/** The task that applies the plan. */
export const GITHUB_SETUP_TASK = 'pypi:github-setup';
/** Name of the tag ruleset the task creates. */
export const TAG_RULESET_NAME = 'pypi-release-tags';

const SCRIPT_SOURCE = join(PACKAGE_ROOT, 'github-setup', 'setup.cjs');
/** GitHub accepts at most six required reviewers per environment. */
const MAX_REVIEWERS = 6;

/** One environment's settings in the plan the script applies. */
interface EnvironmentPlan {
  readonly name: string;
  readonly tagPatterns: string[];
  /** Branches that may deploy to it (a workflow that publishes on pushes to a branch, like projen's release). */
  readonly branchPatterns?: string[];
  readonly reviewers?: string[];
  readonly preventSelfReview?: boolean;
}

/** What a PypiRelease asks of the GitHub side. */
export interface GithubSideRequest {
  readonly repository: string;
  readonly environments: string[];
  /** Tag filter patterns of the workflow's trigger (GitHub's workflow filter syntax). */
  readonly workflowTagPatterns: string[];
  /** Branches whose pushes publish (projen's release branches, for the retrofit); none for tag-triggered releases. */
  readonly branches?: string[];
  readonly reviewers?: string[];
  readonly preventSelfReview?: boolean;
}

/**
 * fnmatch patterns without duplicates and without those another one already admits: `v[0-9]*.*` goes when
 * `v[0-9]*` is there (its final `*` takes any rest), so the default patterns make two policies, not six.
 */
export function withoutSubsumed(patterns: string[]): string[] {
  const unique = [...new Set(patterns)];
  return unique.filter((p) => !unique.some((q) => q !== p && q.endsWith('*') && !q.endsWith('**') && p.startsWith(q.slice(0, -1)) && !p.slice(q.length - 1).includes('/')));
}

/**
 * A superset of a workflow tag filter in the fnmatch syntax environments' deployment policies and rulesets use:
 * `X+` (one or more X) becomes `X*`, `X?` (optional X) becomes `*`. A superset, so that every tag that starts the
 * workflow is also one the policies admit and the ruleset protects. Negations (`!...`) are left out (still a superset).
 */
export function fnmatchSuperset(pattern: string): string | undefined {
  if (pattern.startsWith('!')) return undefined;
  const tokens: string[] = [];
  const star = (t: string | undefined) => t === '*' || t === '**';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      tokens.push(pattern.slice(i, i + 2));
      i++;
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      const cls = end < 0 ? pattern.slice(i) : pattern.slice(i, end + 1);
      tokens.push(cls);
      i += cls.length - 1;
    } else if (c === '*') {
      const double = pattern[i + 1] === '*';
      if (double) i++;
      if (star(tokens[tokens.length - 1])) tokens[tokens.length - 1] = double ? '**' : tokens[tokens.length - 1];
      else tokens.push(double ? '**' : '*');
    } else if (c === '+') {
      if (!star(tokens[tokens.length - 1])) tokens.push('*');
    } else if (c === '?') {
      tokens.pop();
      if (!star(tokens[tokens.length - 1])) tokens.push('*');
    } else {
      tokens.push(c);
    }
  }
  return tokens.join('');
}

/** GitHub logins ("octocat") and teams ("octo-org/release-team"). */
export function validateReviewers(reviewers: string[], Fail: ConfigErrorClass = PypiReleaseConfigError): void {
  if (reviewers.length > MAX_REVIEWERS) {
    throw new Fail(`reviewers lists ${reviewers.length} reviewers; GitHub allows at most ${MAX_REVIEWERS} per environment (use a team)`);
  }
  for (const who of reviewers) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)?$/.test(who)) {
      throw new Fail(`reviewer "${who}" is neither a GitHub login ("octocat") nor a team ("octo-org/release-team")`);
    }
  }
}

/**
 * The plan of GitHub settings for the project's releases, `.github/pypi-github-setup/plan.json`, the script that
 * applies it and the `pypi:github-setup` task. One per repository: each PypiRelease adds its environments.
 */
export class PypiGithubSetup extends Component {
  /** The project's instance, created on first use. */
  public static ensure(project: Project): PypiGithubSetup {
    const root = project.root;
    return root.components.find((c): c is PypiGithubSetup => c instanceof PypiGithubSetup) ?? new PypiGithubSetup(root);
  }

  private repository?: string;
  private readonly environments = new Map<string, EnvironmentPlan>();
  private readonly tagPatterns: string[] = [];

  private constructor(project: Project) {
    super(project, 'PypiGithubSetup');
    new ShippedFile(project, `${GITHUB_SETUP_DIR}/setup.cjs`, SCRIPT_SOURCE, '//', (body) => body,
      (path) => new Error(`PypiGithubSetup: the setup script is missing at ${path}; this package is broken`), { executable: true });
    new JsonFile(project, `${GITHUB_SETUP_DIR}/plan.json`, { obj: () => this.plan(), readonly: true, marker: true, committed: true });
    project.addTask(GITHUB_SETUP_TASK, {
      description: 'Protect the release: environments that deploy only release tags, required reviewers, a tag ruleset (GitHub CLI; --dry-run shows the calls)',
      exec: `node ${GITHUB_SETUP_DIR}/setup.cjs ${GITHUB_SETUP_DIR}/plan.json`,
      receiveArgs: true,
    });
  }

  /** Adds one release's environments; every release of a repository must publish from the same repository. */
  public addRelease(request: GithubSideRequest): void {
    if (this.repository && this.repository !== request.repository) {
      throw new PypiReleaseConfigError(`releases of one repository name different repositories ("${this.repository}" and "${request.repository}"); set the same repository on each`);
    }
    this.repository = request.repository;
    if (request.reviewers) validateReviewers(request.reviewers);
    const patterns = withoutSubsumed(request.workflowTagPatterns.map(fnmatchSuperset).filter((p): p is string => p !== undefined));
    this.tagPatterns.splice(0, this.tagPatterns.length, ...withoutSubsumed([...this.tagPatterns, ...patterns]));
    for (const name of request.environments) {
      const known = this.environments.get(name);
      if (known && (JSON.stringify(known.reviewers) !== JSON.stringify(request.reviewers) || known.preventSelfReview !== request.preventSelfReview)) {
        throw new PypiReleaseConfigError(`environment "${name}" is used by two releases with different reviewers; give them the same reviewers or different environments`);
      }
      const branchPatterns = [...new Set([...(known?.branchPatterns ?? []), ...(request.branches ?? [])])];
      this.environments.set(name, {
        name,
        tagPatterns: withoutSubsumed([...(known?.tagPatterns ?? []), ...patterns]),
        ...(branchPatterns.length ? { branchPatterns } : {}),
        ...(request.reviewers ? { reviewers: [...request.reviewers] } : {}),
        ...(request.preventSelfReview !== undefined ? { preventSelfReview: request.preventSelfReview } : {}),
      });
    }
  }

  /** The plan the script applies. */
  public plan(): { repository: string; environments: EnvironmentPlan[]; tagRuleset: { name: string; tagPatterns: string[] } } {
    return {
      repository: this.repository ?? '',
      environments: [...this.environments.values()],
      tagRuleset: { name: TAG_RULESET_NAME, tagPatterns: [...this.tagPatterns] },
    };
  }

  /** What the workflow header and the synth log say about the GitHub side. */
  public guide(environments: string[]): string[] {
    const plan = this.plan();
    const lines = [
      'GitHub side: PyPI does not check which commit a tag points at; only these settings keep someone with write',
      `access from publishing an unreviewed commit. \`npx projen ${GITHUB_SETUP_TASK}\` applies them with the GitHub CLI`,
      '(gh api; --dry-run prints the calls). Create them before the first release: GitHub creates a missing',
      'environment on first use, unprotected.',
    ];
    for (const env of plan.environments.filter((e) => environments.includes(e.name))) {
      const from = [
        ...(env.tagPatterns.length ? [`tags matching ${env.tagPatterns.join(', ')}`] : []),
        ...(env.branchPatterns?.length ? [`the branch${env.branchPatterns.length > 1 ? 'es' : ''} ${env.branchPatterns.join(', ')}`] : []),
      ];
      lines.push(
        `  Environment "${env.name}" (the one its index's trusted publisher names):`,
        `    deployments only from ${from.join(' and ')}`,
        env.reviewers?.length
          ? `    required reviewers: ${env.reviewers.join(', ')}${env.preventSelfReview ? ' (not the person who started the run)' : ''}`
          : `    required reviewers: none configured (set \`reviewers\`; without them anyone who may push ${env.tagPatterns.length ? 'a release tag' : 'to the release branch'} publishes)`,
      );
    }
    if (plan.tagRuleset.tagPatterns.length) {
      lines.push(
        `  Tag ruleset "${TAG_RULESET_NAME}": only repository admins create, move or delete tags matching`,
        `    ${plan.tagRuleset.tagPatterns.join(', ')}`,
      );
    }
    lines.push(
      'Plans: public repositories have all of this on every GitHub plan; private ones need GitHub Pro, Team or',
      'Enterprise for environments, deployment policies and rulesets, and GitHub Enterprise for required reviewers.',
    );
    return lines;
  }
}
