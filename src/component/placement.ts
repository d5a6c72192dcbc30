/** Name of the artifact that carries `dist/` from the build (or packaging) job to the publish jobs. */
export const DIST_ARTIFACT = 'python-distributions';

/** Where the jobs run: runner labels, and the project's directory relative to the repository root ('' at the root). */
export interface JobPlacement {
  readonly runsOn: string[];
  readonly projectDir: string;
}

/** The project's dist/ directory, relative to the repository root. */
export function distDir(where: JobPlacement): string {
  return where.projectDir ? `${where.projectDir}/dist/` : 'dist/';
}
