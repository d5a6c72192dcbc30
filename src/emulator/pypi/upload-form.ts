/**
 * Reading a `/legacy/` upload: the multipart body (parsed by busboy, size-capped) and the Basic auth header.
 */
import type { IncomingMessage } from 'node:http';
// eslint-disable-next-line import/no-extraneous-dependencies -- bundled into lib/emulator/cli.cjs by esbuild
import busboy from 'busboy';

export interface UploadForm {
  readonly fields: Map<string, string[]>;
  /** The `content` file part, when there was one. */
  readonly file?: { readonly filename: string; readonly mimeType: string; readonly data: Buffer };
  /** The file part was larger than the limit (its data is truncated). */
  readonly tooLarge: boolean;
}

export class MalformedUploadError extends Error {}

/** Parse the multipart body. Fields keep every value (metadata like `classifiers` repeats). */
export function parseUploadForm(req: IncomingMessage, maxFileBytes: number): Promise<UploadForm> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxFileBytes, fields: 1000, fieldSize: 4 * 1024 * 1024, files: 4 } });
    } catch {
      req.resume();
      reject(new MalformedUploadError('not a multipart/form-data request'));
      return;
    }
    const fields = new Map<string, string[]>();
    let file: UploadForm['file'];
    let tooLarge = false;
    parser.on('field', (name, value) => {
      fields.set(name, [...(fields.get(name) ?? []), value]);
    });
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (name === 'content') chunks.push(chunk);
      });
      stream.on('limit', () => {
        if (name === 'content') tooLarge = true;
      });
      stream.on('end', () => {
        if (name === 'content') file = { filename: info.filename ?? '', mimeType: info.mimeType, data: Buffer.concat(chunks) };
      });
    });
    parser.on('close', () => resolve({ fields, file, tooLarge }));
    parser.on('error', () => {
      req.unpipe(parser);
      req.resume();
      reject(new MalformedUploadError('malformed multipart body'));
    });
    req.pipe(parser);
  });
}

/**
 * The token from `Authorization`: Basic with username `__token__` (PyPI's rule), or the `token`/`bearer`
 * schemes PyPI also takes. undefined when there is no usable credential.
 */
export function tokenFromAuthorization(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, ...rest] = header.trim().split(/\s+/);
  const value = rest.join(' ');
  if (/^(token|bearer)$/i.test(scheme)) return value.trim() || undefined;
  if (!/^basic$/i.test(scheme)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || decoded.slice(0, colon) !== '__token__') return undefined;
  return decoded.slice(colon + 1).trim() || undefined;
}
