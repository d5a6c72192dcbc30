import { PypiReleaseConfigError } from './errors';
import {
  KnownIndex, PYPI, TESTPYPI, pendingPublisherUrl, projectPageUrl, projectPublishingUrl, webRootForUploadUrl,
} from '../pypi';

/**
 * Options for PyPI and TestPyPI.
 */
export interface PypiIndexOptions {
  /**
   * GitHub environment the publish job runs in. It becomes part of the trusted publisher on the index.
   *
   * @default "pypi" for PyPI, "testpypi" for TestPyPI
   */
  readonly environment?: string;
}

/**
 * Options for an index other than PyPI and TestPyPI (it must speak PyPI's trusted-publishing and upload APIs).
 */
export interface CustomPypiIndexOptions {
  /**
   * Short name of the index: lower-case letters, digits and "-". Names the publish job (`publish_<name>`).
   */
  readonly name: string;

  /**
   * The legacy upload URL, e.g. "https://upload.example.org/legacy/". The mint step discovers the audience from it.
   */
  readonly uploadUrl: string;

  /**
   * GitHub environment the publish job runs in.
   *
   * @default - the index name
   */
  readonly environment?: string;

  /**
   * Web root of the index (for project pages and publisher settings).
   *
   * @default - the upload URL's origin, with a leading "upload." removed from the host
   */
  readonly webUrl?: string;

  /**
   * Human-readable name for job names and messages.
   *
   * @default - the index name
   */
  readonly displayName?: string;

  /**
   * The OIDC audience the index expects, passed to the mint step's `audience` input. Needed when the index announces
   * `pypi` or `testpypi`: the mint step refuses those from any host but PyPI's own unless they are given explicitly
   * (a token with PyPI's audience is one PyPI would accept too).
   *
   * @default - the mint step asks the index (`GET /_/oidc/audience`)
   */
  readonly audience?: string;
}

/**
 * A package index the release publishes to: its upload URL, web root and the GitHub environment of its publish job.
 */
export class PypiIndex {
  /** pypi.org, environment "pypi" by default. */
  public static pypi(options: PypiIndexOptions = {}): PypiIndex {
    return PypiIndex.known(PYPI, options);
  }

  /** test.pypi.org, environment "testpypi" by default. */
  public static testPypi(options: PypiIndexOptions = {}): PypiIndex {
    return PypiIndex.known(TESTPYPI, options);
  }

  /** Any other index that implements PyPI's trusted publishing (e.g. a self-hosted warehouse). */
  public static custom(options: CustomPypiIndexOptions): PypiIndex {
    if (!/^[a-z][a-z0-9-]{0,39}$/.test(options.name)) {
      throw new PypiReleaseConfigError(`custom index name "${options.name}" must be lower-case letters, digits and "-", starting with a letter (it names the publish job)`);
    }
    let upload: URL;
    try {
      upload = new URL(options.uploadUrl);
    } catch {
      throw new PypiReleaseConfigError(`custom index "${options.name}": upload URL "${options.uploadUrl}" is not a URL`);
    }
    if (upload.protocol !== 'https:') {
      throw new PypiReleaseConfigError(`custom index "${options.name}": upload URL "${options.uploadUrl}" must use https:// (the token would cross the network in clear)`);
    }
    if (upload.username || upload.password) {
      throw new PypiReleaseConfigError(`custom index "${options.name}": upload URL "${options.uploadUrl}" must not carry credentials`);
    }
    if (options.audience !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/.test(options.audience)) {
      throw new PypiReleaseConfigError(`custom index "${options.name}": audience "${options.audience}" must be a short identifier (letters, digits and . _ : / -)`);
    }
    const webUrl = (options.webUrl ?? webRootForUploadUrl(upload)).replace(/\/+$/, '');
    return new PypiIndex(options.name, options.displayName ?? options.name, upload.toString(), webUrl, options.environment ?? options.name,
      options.audience);
  }

  private static known(index: KnownIndex, options: PypiIndexOptions): PypiIndex {
    return new PypiIndex(index.name, index.displayName, index.uploadUrl, index.webUrl, options.environment ?? index.name);
  }

  /** Short name: "pypi", "testpypi" or the custom name. */
  public readonly name: string;
  /** Human-readable name, e.g. "PyPI". */
  public readonly displayName: string;
  /** The legacy upload URL the uploader posts to and the mint step discovers the audience from. */
  public readonly uploadUrl: string;
  /** Web root of the index, without a trailing slash. */
  public readonly webUrl: string;
  /** GitHub environment of the publish job. */
  public readonly environment: string;
  /** The OIDC audience given for a custom index (the mint step's `audience` input); undefined: the step decides. */
  public readonly audience?: string;

  private constructor(name: string, displayName: string, uploadUrl: string, webUrl: string, environment: string, audience?: string) {
    this.name = name;
    this.displayName = displayName;
    this.uploadUrl = uploadUrl;
    this.webUrl = webUrl;
    this.environment = environment;
    this.audience = audience;
  }

  /** The project's page on this index, used as the environment URL. */
  public projectUrl(distributionName: string): string {
    return projectPageUrl(this.webUrl, distributionName);
  }

  /** Where an existing project's trusted publishers are managed. */
  public projectSettingsUrl(distributionName: string): string {
    return projectPublishingUrl(this.webUrl, distributionName);
  }

  /** Where a pending publisher for a project that does not exist yet is added. */
  public pendingPublisherUrl(): string {
    return pendingPublisherUrl(this.webUrl);
  }
}
