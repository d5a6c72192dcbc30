import { createHash } from 'crypto';
import { existsSync, readFileSync } from 'fs';
import { join } from 'path';
import { FileBase, IResolver, Project } from 'projen';

/**
 * The package's root: `__dirname` is `lib/component/` once compiled and `src/component/` under ts-node or ts-jest, both
 * two levels below it. The npm package ships `action.yml`, `action/` and `github-setup/` there.
 */
export const PACKAGE_ROOT = join(__dirname, '..', '..');

/**
 * A copy of a file this package ships, written into the repository as a projen-managed file (read-only, tracked,
 * removed with the component), with projen's marker on the first line (after a shebang, if any).
 */
export class ShippedFile extends FileBase {
  public constructor(
    project: Project,
    filePath: string,
    private readonly sourcePath: string,
    private readonly commentPrefix: string,
    private readonly transform: (body: string) => string,
    private readonly missing: (sourcePath: string) => Error,
    options: { executable?: boolean } = {},
  ) {
    super(project, filePath, { readonly: true, committed: true, executable: options.executable });
  }

  /** The file's content as written. */
  public content(): string {
    if (!existsSync(this.sourcePath)) throw this.missing(this.sourcePath);
    const body = this.transform(readFileSync(this.sourcePath, 'utf-8'));
    if (!this.marker) return body;
    const markerLine = `${this.commentPrefix} ${this.marker}\n`;
    if (body.startsWith('#!')) {
      const eol = body.indexOf('\n') + 1;
      return body.slice(0, eol) + markerLine + body.slice(eol);
    }
    return markerLine + body;
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return this.content();
  }
}

/**
 * `<sha256>  <name>` of a shipped file, next to it (what `sha256sum -c` reads): a changed bundle shows in review as a
 * one-line change even when the diff of the bundle itself is collapsed.
 */
export class Sha256File extends FileBase {
  public constructor(project: Project, filePath: string, private readonly of: ShippedFile, private readonly name: string) {
    // no marker: sha256sum -c reads every line
    super(project, filePath, { readonly: true, committed: true, marker: false });
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return `${createHash('sha256').update(this.of.content(), 'utf-8').digest('hex')}  ${this.name}\n`;
  }
}

/** One shipped step, as written into a user's repository: its action.yml, its bundle and the bundle's sha256. */
export interface ShippedActionFiles {
  /** Where the action lives in the repository, e.g. `.github/actions/pypi-mint`. */
  readonly directory: string;
  /** This package's action.yml for the step. */
  readonly actionYmlSource: string;
  /** This package's bundle for the step. */
  readonly bundleSource: string;
  /** The action.yml as shipped (header comment about this repository left out, `runs.main` next to the bundle). */
  readonly actionYml: (source: string) => string;
  /** The error for a missing source file (this package was built without the step). */
  readonly missing: (sourcePath: string) => Error;
}

/**
 * Writes a shipped step into the repository as projen-managed files (read-only, marked generated, tracked, removed
 * when the component goes away): `<directory>/action.yml`, `<directory>/index.cjs` and `<directory>/index.cjs.sha256`.
 * The one way PypiMintAction and PypiAttestAction write their files.
 */
export function writeShippedAction(project: Project, files: ShippedActionFiles): void {
  new ShippedFile(project, `${files.directory}/action.yml`, files.actionYmlSource, '#', files.actionYml, files.missing);
  const bundle = new ShippedFile(project, `${files.directory}/index.cjs`, files.bundleSource, '//', (body) => body, files.missing);
  new Sha256File(project, `${files.directory}/index.cjs.sha256`, bundle, 'index.cjs');
}

/** An action.yml without its leading comment lines (they are about this repository, not the user's). */
export function withoutHeaderComment(source: string): string {
  const lines = source.split('\n');
  return lines.slice(lines.findIndex((line) => line !== '' && !line.startsWith('#'))).join('\n');
}
