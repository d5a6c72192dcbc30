/**
 * The "simple" repository API over what was uploaded, as PyPI serves it (warehouse/api/simple.py,
 * warehouse/packaging/utils.py): `/simple/` and `/simple/<project>/` in HTML (PEP 503) or JSON (PEP 691), chosen by
 * the request's Accept header, and the files themselves under `/files/`. pip and uv ask for JSON first.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendText } from '../http';
import { normalizeProjectName } from '../names';
import { type IndexStore, type Project, type StoredFile } from './index-store';
import { provenancePath } from './integrity';

const HTML = 'text/html; charset=utf-8';
const MIME_TEXT_HTML = 'text/html';
const MIME_V1_HTML = 'application/vnd.pypi.simple.v1+html';
const MIME_V1_JSON = 'application/vnd.pypi.simple.v1+json';
/** The simple API version PyPI reports in `meta` (warehouse/packaging/utils.py API_VERSION). */
const API_VERSION = '1.4';

/**
 * PyPI's content negotiation (webob's `acceptable_offers` over text/html, v1+html, v1+json, in that order): each offer
 * takes the q of the most specific Accept range that matches it; offers with q > 0 are ranked by q (ties keep the
 * offer order); no Accept header, or nothing acceptable, is text/html.
 */
export function selectContentType(accept: string | undefined): string {
  if (accept === undefined || accept.trim() === '') return MIME_TEXT_HTML;
  const ranges = accept.split(',').map((part) => {
    const [range, ...params] = part.split(';').map((p) => p.trim().toLowerCase());
    const q = params.map((p) => /^q=([0-9.]+)$/.exec(p)?.[1]).find((v) => v !== undefined);
    const [type, subtype] = range.split('/');
    return { type, subtype, q: q === undefined ? 1 : Math.min(1, Number(q) || 0) };
  }).filter((r) => r.type && r.subtype);
  const ranked = [MIME_TEXT_HTML, MIME_V1_HTML, MIME_V1_JSON].map((offer, order) => {
    const [type, subtype] = offer.split('/');
    let best: { specificity: number; q: number } | undefined;
    for (const r of ranges) {
      const specificity = r.type === type && r.subtype === subtype ? 3 : r.type === type && r.subtype === '*' ? 2 : r.type === '*' && r.subtype === '*' ? 1 : 0;
      if (specificity > 0 && (best === undefined || specificity > best.specificity)) best = { specificity, q: r.q };
    }
    return { offer, order, q: best?.q ?? 0 };
  }).filter((o) => o.q > 0).sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked[0]?.offer ?? MIME_TEXT_HTML;
}

/** The serial PyPI's journal would be at: here, one entry per accepted file. */
function lastSerial(store: IndexStore): number {
  return store.uploadLog.length;
}

function projectSerial(store: IndexStore, project: Project): number {
  const files = new Set(project.files.values());
  let serial = 0;
  store.uploadLog.forEach((f, i) => {
    if (files.has(f)) serial = i + 1;
  });
  return serial;
}

function sendJson(res: ServerResponse, body: unknown, serial: number): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(200, {
    'content-type': MIME_V1_JSON,
    'content-length': String(Buffer.byteLength(text)),
    'vary': 'Accept',
    'x-pypi-last-serial': String(serial),
  });
  res.end(text);
}

function sendHtml(res: ServerResponse, contentType: string, body: string, serial: number): void {
  res.setHeader('vary', 'Accept');
  res.setHeader('x-pypi-last-serial', String(serial));
  sendText(res, 200, 'OK', body, contentType === MIME_TEXT_HTML ? HTML : contentType);
}

/** Version sort for `versions` and the file order: numeric release segments, then the rest as text. */
function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.+-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    if (x !== y) return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function metadataHash(f: StoredFile): { sha256: string } | false {
  return f.metadata ? { sha256: createHash('sha256').update(f.metadata).digest('hex') } : false;
}

/** PEP 691 project detail with the fields PyPI serves. */
function projectJson(store: IndexStore, req: IncomingMessage, key: string, project: Project) {
  const files = store.visibleFiles(project).sort((a, b) => compareVersions(a.version, b.version) || (a.filename < b.filename ? -1 : 1));
  return {
    'meta': { 'api-version': API_VERSION, '_last-serial': projectSerial(store, project) },
    'name': key,
    'project-status': { status: 'active' },
    'versions': [...new Set(files.map((f) => f.version))],
    'files': files.map((f) => ({
      'filename': f.filename,
      'url': `/files/${encodeURIComponent(key)}/${encodeURIComponent(f.filename)}`,
      'hashes': { sha256: f.sha256 },
      'requires-python': f.requiresPython ?? null,
      'size': f.content.length,
      // Python's isoformat() of a whole-second time, plus Z
      'upload-time': new Date((f.uploadTime ?? 0) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
      'yanked': false,
      // a wheel's METADATA, served as <file>.metadata (PEP 658, and its older PEP 714 name)
      'data-dist-info-metadata': metadataHash(f),
      'core-metadata': metadataHash(f),
      'provenance': provenanceUrl(req, f) ?? null,
    })),
  };
}

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
  const contentType = selectContentType(req.headers.accept);
  if (path === '/simple/') {
    const projects = [...store.projects.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (contentType === MIME_V1_JSON) {
      return sendJson(res, {
        meta: { 'api-version': API_VERSION, '_last-serial': lastSerial(store) },
        projects: projects.map(([, p]) => ({ 'name': p.name, '_last-serial': projectSerial(store, p) })),
      }, lastSerial(store));
    }
    const links = projects.map(([key, p]) => `<a href="/simple/${encodeURIComponent(key)}/">${escapeHtml(p.name)}</a>`);
    return sendHtml(res, contentType, page('Simple index', links), lastSerial(store));
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
  if (contentType === MIME_V1_JSON) return sendJson(res, projectJson(store, req, key, project), projectSerial(store, project));
  const links = store.visibleFiles(project).map((f) => {
    const requires = f.requiresPython ? ` data-requires-python="${escapeHtml(f.requiresPython)}"` : '';
    const hash = metadataHash(f);
    const metadata = hash ? ` data-dist-info-metadata="sha256=${hash.sha256}" data-core-metadata="sha256=${hash.sha256}"` : '';
    const provenanceAt = provenanceUrl(req, f);
    const provenance = provenanceAt ? ` data-provenance="${escapeHtml(provenanceAt)}"` : '';
    return `<a href="/files/${encodeURIComponent(key)}/${encodeURIComponent(f.filename)}#sha256=${f.sha256}"${requires}${metadata}${provenance}>` +
      `${escapeHtml(f.filename)}</a>`;
  });
  sendHtml(res, contentType, page(`Links for ${project.name}`, links), projectSerial(store, project));
}

/** PEP 740: the absolute Integrity API URL of a file's provenance, when it was uploaded with attestations. */
export function provenanceUrl(req: IncomingMessage, file: StoredFile): string | undefined {
  if (!file.provenance) return undefined;
  return `http://${req.headers.host ?? 'localhost'}${provenancePath(file.project, file.version, file.filename)}`;
}

function serveFile(store: IndexStore, res: ServerResponse, path: string): void {
  const [, , key, filename] = path.split('/');
  const files = store.projects.get(key ?? '')?.files;
  const wheel = filename?.endsWith('.metadata') ? files?.get(filename.slice(0, -'.metadata'.length)) : undefined;
  if (wheel?.metadata && store.isVisible(wheel)) {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(wheel.metadata.length) });
    res.end(wheel.metadata);
    return;
  }
  const file = files?.get(filename ?? '');
  if (!file || !store.isVisible(file)) {
    sendText(res, 404, 'Not Found', '404 Not Found');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.content.length) });
  res.end(file.content);
}
