/**
 * PyPI project names as the index compares them: PEP 503 normalisation
 * (https://peps.python.org/pep-0503/#normalized-names). `Foo.Bar`, `foo_bar` and `FOO-bar` are one project.
 */
export function normalizeProjectName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}
