/** A hand-made `/legacy/` upload (what twine sends), so a test can break exactly one field. */
import { createHash } from 'node:crypto';
import { blake2b } from '@noble/hashes/blake2b';
import type { Emulator } from '../../src/emulator';

export interface UploadAnswer {
  status: number;
  /** The reason phrase, where PyPI puts its error text. */
  reason: string;
  body: string;
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function blake2_256(data: Buffer): string {
  return Buffer.from(blake2b(data, { dkLen: 32 })).toString('hex');
}

/** The fields twine 4 sends for a wheel, with digests of `content`. */
export function wheelFields(name: string, version: string, content: Buffer): Record<string, string> {
  return {
    ':action': 'file_upload',
    'protocol_version': '1',
    'name': name,
    'version': version,
    'filetype': 'bdist_wheel',
    'pyversion': 'py3',
    'metadata_version': '2.1',
    'summary': 'sample',
    'sha256_digest': sha256(content),
    'md5_digest': createHash('md5').update(content).digest('hex'),
  };
}

export async function upload(em: Emulator, token: string | undefined, fields: Record<string, string | undefined>,
  file?: { filename: string; content: Buffer }, authorization?: string): Promise<UploadAnswer> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) form.append(key, value);
  }
  if (file) form.append('content', new Blob([new Uint8Array(file.content)], { type: 'application/octet-stream' }), file.filename);
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  else if (token !== undefined) headers.authorization = `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}`;
  const res = await fetch(em.uploadUrl, { method: 'POST', body: form, headers, redirect: 'manual' });
  return { status: res.status, reason: res.statusText, body: await res.text() };
}
