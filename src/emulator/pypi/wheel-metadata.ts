/**
 * A wheel's core metadata (`<name>-<version>.dist-info/METADATA`, named after the wheel's file name as warehouse
 * reads it: forklift/legacy.py), which PyPI serves next to the wheel as `<file>.metadata` (PEP 658/714). A minimal
 * zip reader: the central directory, then the entry, stored or deflated; no zip64 (wheels the emulator sees are small).
 */
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function readEntry(zip: Buffer, wanted: string): Buffer | undefined {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries && at + 46 <= zip.length && zip.readUInt32LE(at) === CENTRAL; n++) {
    const method = zip.readUInt16LE(at + 10);
    const compressedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const next = at + 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    if (name === wanted) {
      const local = zip.readUInt32LE(at + 42);
      if (zip.readUInt32LE(local) !== LOCAL) return undefined;
      const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const data = zip.subarray(start, start + compressedSize);
      if (method === 0) return Buffer.from(data);
      if (method === 8) return inflateRawSync(data);
      return undefined;
    }
    at = next;
  }
  return undefined;
}

/** The METADATA of a wheel named `filename`, or undefined when the file is not a readable wheel or has none. */
export function wheelMetadata(filename: string, content: Buffer): Buffer | undefined {
  const [name, version] = filename.split('-');
  if (!filename.endsWith('.whl') || !name || !version) return undefined;
  try {
    return readEntry(content, `${name}-${version}.dist-info/METADATA`);
  } catch {
    return undefined;
  }
}
