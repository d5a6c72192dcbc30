/**
 * Reading an uploaded distribution the way warehouse's `_is_valid_dist_file` reads it (forklift/legacy.py): is it a
 * zip (Python's `zipfile.is_zipfile`: an end-of-central-directory record, data in front of the archive allowed), is
 * it a tar (`tarfile.is_tarfile`: a valid first header, raw or gzip-compressed), what members it has. A minimal
 * reader: stored or deflated zip entries, no zip64 (distributions the emulator sees are small).
 */
import { constants, inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated; anything else PyPI refuses. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the local header, corrected for data in front of the archive. */
  readonly localOffset: number;
}

/** The central directory of a zip, or undefined when `data` is not one (what `zipfile.is_zipfile` answers false to). */
export function zipEntries(data: Buffer): ZipEntry[] | undefined {
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (data.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const count = data.readUInt16LE(eocd + 10);
  const cdSize = data.readUInt32LE(eocd + 12);
  const cdOffset = data.readUInt32LE(eocd + 16);
  // Python's zipfile: bytes prepended to the archive shift every offset by `concat`.
  const concat = eocd - cdSize - cdOffset;
  if (concat < 0) return undefined;
  const entries: ZipEntry[] = [];
  let at = cdOffset + concat;
  for (let n = 0; n < count; n++) {
    if (at + 46 > data.length || data.readUInt32LE(at) !== CENTRAL) return undefined;
    const nameLength = data.readUInt16LE(at + 28);
    entries.push({
      name: data.subarray(at + 46, at + 46 + nameLength).toString('utf8'),
      method: data.readUInt16LE(at + 10),
      compressedSize: data.readUInt32LE(at + 20),
      size: data.readUInt32LE(at + 24),
      localOffset: data.readUInt32LE(at + 42) + concat,
    });
    at += 46 + nameLength + data.readUInt16LE(at + 30) + data.readUInt16LE(at + 32);
  }
  return entries;
}

/** One member's bytes, or undefined when it is absent or unreadable. */
export function readZipEntry(data: Buffer, entries: readonly ZipEntry[], name: string): Buffer | undefined {
  const entry = entries.find((e) => e.name === name);
  if (!entry) return undefined;
  try {
    const local = entry.localOffset;
    if (data.readUInt32LE(local) !== LOCAL) return undefined;
    const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
    const raw = data.subarray(start, start + entry.compressedSize);
    if (entry.method === 0) return Buffer.from(raw);
    if (entry.method === 8) return inflateRawSync(raw);
  } catch {
    return undefined;
  }
  return undefined;
}

/** The deflate stream of a gzip member (RFC 1952 header skipped), or undefined when `data` is not gzip. */
/* eslint-disable no-bitwise -- the header's flag bits */
export function gzipBody(data: Buffer): Buffer | undefined {
  if (data.length < 18 || data[0] !== 0x1f || data[1] !== 0x8b || data[2] !== 8) return undefined;
  const flags = data[3];
  let at = 10;
  if (flags & 4) at += 2 + data.readUInt16LE(at);
  if (flags & 8) at = data.indexOf(0, at) + 1;
  if (flags & 16) at = data.indexOf(0, at) + 1;
  if (flags & 2) at += 2;
  return at > 0 && at < data.length ? data.subarray(at) : undefined;
}
/* eslint-enable no-bitwise */

/** A tar header block is valid when its checksum (octal, the header summed with the checksum field as spaces) holds. */
function validHeader(block: Buffer): boolean {
  if (block.length < 512 || block.every((b) => b === 0)) return false;
  const stored = parseInt(block.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim(), 8);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : block[i];
  return stored === sum;
}

export interface TarListing {
  readonly names: string[];
  /** A GNU sparse member (type `S`, or a pax `GNU.sparse.*` header), which PyPI refuses. */
  readonly sparse: boolean;
}

/**
 * The members of a tar (raw, or the first gzip member: trailing bytes after it, like a zip glued on, are ignored as
 * Python's `tarfile.is_tarfile` ignores them), or undefined when `data` does not start with a valid tar header.
 */
export function tarListing(data: Buffer): TarListing | undefined {
  let tar: Buffer = data;
  const body = gzipBody(data);
  if (body) {
    try {
      tar = inflateRawSync(body, { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
  }
  if (!validHeader(tar.subarray(0, 512))) return undefined;
  const names: string[] = [];
  let sparse = false;
  let longName: string | undefined;
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    if (!validHeader(header)) break;
    const size = parseInt(header.subarray(124, 136).toString('latin1').replace(/\0.*$/, '').trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 0x30);
    const content = tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
    if (type === 'S') sparse = true;
    if (type === 'x' || type === 'g') {
      const pax = content.toString('utf8');
      if (/ GNU\.sparse\./.test(pax)) sparse = true;
      const path = / path=([^\n]*)\n/.exec(pax);
      if (path) longName = path[1];
      continue;
    }
    if (type === 'L') {
      longName = content.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    const prefix = header.subarray(345, 500).toString('utf8').replace(/\0.*$/, '');
    const short = header.subarray(0, 100).toString('utf8').replace(/\0.*$/, '');
    names.push((longName ?? (prefix ? `${prefix}/${short}` : short)).replace(/\/$/, ''));
    longName = undefined;
  }
  return { names, sparse };
}

/** Python's `os.path.commonpath` of archive member names, as warehouse's `_commonpath` uses it for the top level. */
export function commonTopLevel(names: readonly string[]): string {
  if (names.length === 0) return '';
  const split = names.map((n) => n.split('/').filter((p) => p !== '' && p !== '.'));
  const first = split[0];
  let length = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < length && i < parts.length && parts[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length).join('/');
}
