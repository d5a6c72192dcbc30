/**
 * The PEP 503 "simple" repository API over what was uploaded: `/simple/`, `/simple/<project>/` and the files
 * themselves under `/files/`, enough for `pip download --index-url <emulator>/simple/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from './http';
import { normalizeProjectName, type IndexStore, type StoredFile } from './index-store';
import { provenancePath } from './integrity';

const HTML = 'text/html; charset=utf-8';

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function page(title: string, links: string[]): string {
  return '<!DOCTYPE html>\n<html>\n  <head>\n    <meta name="pypi:repository-version" content="1.0">\n' +
    `    <title>${escapeHtml(title)}</title>\n  </head>\n  <body>\n    <h1>${escapeHtml(title)}</h1>\n` +
    links.map((l) => `    ${l}<br/>\n`).join('') + '  </body>\n</html>\n';
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(301, { location, 'content-length': '0' });
  res.end();
}

export function handleSimple(store: IndexStore, req: IncomingMessage, res: ServerResponse, url: URL): void {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, 'Method Not Allowed', '405 Method Not Allowed');
    return;
  }
  const path = decodeURIComponent(url.pathname);
  if (path.startsWith('/files/')) return serveFile(store, res, path);
  if (path === '/simple') return redirect(res, '/simple/');
  if (path === '/simple/') {
    const links = [...store.projects.entries()].map(([key, p]) => `<a href="/simple/${encodeURIComponent(key)}/">${escapeHtml(p.name)}</a>`);
    sendText(res, 200, 'OK', page('Simple index', links), HTML);
    return;
  }
  const requested = path.slice('/simple/'.length).replace(/\/$/, '');
  const key = normalizeProjectName(requested);
  // PyPI redirects every non-canonical spelling (and a missing slash) to /simple/<normalized>/.
  if (requested !== key || !path.endsWith('/')) return redirect(res, `/simple/${encodeURIComponent(key)}/`);
  const project = store.projects.get(key);
  if (!project) {
    sendText(res, 404, 'Not Found', '404 Not Found');
    return;
  }
  const links = [...project.files.values()].map((f) => {
    const requires = f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : '';
    const provenanceAt = provenanceUrl(req, f);
    const provenance = provenanceAt ? ` data-provenance="${escapeHtml(provenanceAt)}"` : '';
    return `<a href="/files/${encodeURIComponent(key)}/${encodeURIComponent(f.filename)}#sha256=${f.sha256}"${requires}${provenance}>${escapeHtml(f.filename)}</a>`;
  });
  sendText(res, 200, 'OK', page(`Links for ${project.name}`, links), HTML);
}

/** PEP 740: the absolute Integrity API URL of a file's provenance, when it was uploaded with attestations. */
export function provenanceUrl(req: IncomingMessage, file: StoredFile): string | undefined {
  if (!file.provenance) return undefined;
  return `http://${req.headers.host ?? 'localhost'}${provenancePath(file.project, file.version, file.filename)}`;
}

function serveFile(store: IndexStore, res: ServerResponse, path: string): void {
  const [, , key, filename] = path.split('/');
  const file = store.projects.get(key ?? '')?.files.get(filename ?? '');
  if (!file) {
    sendText(res, 404, 'Not Found', '404 Not Found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.content.length) });
  res.end(file.content);
}
