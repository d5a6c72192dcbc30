/**
 * Distribution files made byte by byte (a zip writer and a ustar writer), so a test can build exactly the wheel or
 * sdist it needs, broken in exactly one way, without a build backend: a bad entry point, a missing RECORD, a sparse
 * member, a zip glued to a tar.
 */
import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

export interface Member {
  readonly name: string;
  readonly data: string | Buffer;
}

/** A zip of `members` (deflated, or stored with `method: 0`; another method number writes that number). */
export function zipArchive(members: readonly Member[], method = 8): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const m of members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
    const packed = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, packed);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members.length, 8);
  eocd.writeUInt16LE(members.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

/** An uncompressed ustar archive; `type` per member ('0' file, 'S' GNU sparse). */
export function tarArchive(members: ReadonlyArray<Member & { type?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const m of members) {
    const data = Buffer.isBuffer(m.data) ? m.data : Buffer.from(m.data);
    const header = Buffer.alloc(512);
    header.write(m.name, 0, 100, 'utf8');
    header.write('0000644\0', 100, 'latin1');
    header.write('0000000\0', 108, 'latin1');
    header.write('0000000\0', 116, 'latin1');
    header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    header.write('00000000000\0', 136, 'latin1');
    header.write(m.type ?? '0', 156, 'latin1');
    header.write('ustar\0', 257, 'latin1');
    header.write('00', 263, 'latin1');
    header.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of header) sum += b;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** Core metadata text with `Metadata-Version`, `Name`, `Version` and any extra header lines. */
export function coreMetadata(name: string, version: string, metadataVersion = '2.1', extra: string[] = []): string {
  return [`Metadata-Version: ${metadataVersion}`, `Name: ${name}`, `Version: ${version}`, ...extra, '', ''].join('\n');
}

export interface WheelOptions {
  /** Core metadata of the wheel (default: coreMetadata(name, version)). */
  readonly metadata?: string;
  /** entry_points.txt, when the wheel has one. */
  readonly entryPoints?: string | Buffer;
  /** Leave these dist-info members out (e.g. 'RECORD', 'METADATA', 'WHEEL'). */
  readonly without?: readonly string[];
}

/**
 * A pure-Python wheel named `filename` for project `name`: a module, and `<dist-info>/` named as the file name
 * spells it (what warehouse reads), with WHEEL, METADATA, RECORD and optionally entry_points.txt.
 */
export function wheelArchive(filename: string, name: string, version: string, options: WheelOptions = {}): Buffer {
  const [fileName, fileVersion] = filename.split('-');
  const distInfo = `${fileName}-${fileVersion}.dist-info`;
  const module = name.replace(/[-.]/g, '_').toLowerCase();
  const members: Member[] = [
    { name: `${module}/__init__.py`, data: '' },
    { name: `${distInfo}/WHEEL`, data: 'Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n\n' },
    { name: `${distInfo}/METADATA`, data: options.metadata ?? coreMetadata(name, version) },
    ...(options.entryPoints === undefined ? [] : [{ name: `${distInfo}/entry_points.txt`, data: options.entryPoints }]),
  ];
  const record = [...members.map((m) => `${m.name},,`), `${distInfo}/RECORD,,`, ''].join('\n');
  members.push({ name: `${distInfo}/RECORD`, data: record });
  const without = new Set((options.without ?? []).map((w) => `${distInfo}/${w}`));
  return zipArchive(members.filter((m) => !without.has(m.name)));
}

/** An sdist (`<top>/PKG-INFO`, `<top>/pyproject.toml`) as .tar.gz; `top` defaults to the file name's stem. */
export function sdistArchive(filename: string, name: string, version: string, options: { metadata?: string; top?: string } = {}): Buffer {
  const top = options.top ?? filename.replace(/\.tar\.gz$|\.zip$/, '');
  const members = [
    { name: `${top}/PKG-INFO`, data: options.metadata ?? coreMetadata(name, version) },
    { name: `${top}/pyproject.toml`, data: `[project]\nname = "${name}"\nversion = "${version}"\n` },
  ];
  return filename.endsWith('.zip') ? zipArchive(members) : gzipSync(tarArchive(members));
}
