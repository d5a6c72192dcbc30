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
