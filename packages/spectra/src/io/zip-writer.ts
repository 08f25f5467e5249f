/**
 * Writing zip archives the way `np.savez` needs them: members stored or
 * deflated, CRC-32 computed in the core, a fixed timestamp (the same input gives the same
 * bytes), and zip64 records when a member or offset passes 4 GiB.
 */
import { deflateRawSync } from "node:zlib";

import { crc32 } from "../native.js";

import { CENTRAL, DEFLATED, EOCD, LOCAL, STORED, ZIP64_EOCD, ZIP64_EXTRA, ZIP64_LOCATOR, ZIP64_MARK } from "./zip-format.js";

export interface ZipMember {
  name: string;
  data: Uint8Array;
}

const LIMIT = ZIP64_MARK;
/** 1980-01-01 00:00, the zip format's epoch, in DOS date/time fields. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
const DOS_TIME = 0;

function zip64Extra(fields: number[]): Buffer {
  const extra = Buffer.alloc(4 + 8 * fields.length);
  extra.writeUInt16LE(ZIP64_EXTRA, 0);
  extra.writeUInt16LE(8 * fields.length, 2);
  fields.forEach((v, i) => {
    extra.writeBigUInt64LE(BigInt(v), 4 + 8 * i);
  });
  return extra;
}

/** The bytes of a zip archive holding `members`, deflated at level 6 when `compressed`. */
export function encodeZip(members: ZipMember[], compressed: boolean): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of members) {
    const nameBytes = Buffer.from(name, "utf8");
    const body = compressed ? deflateRawSync(data, { level: 6 }) : data;
    const crc = crc32(data);
    const big = data.length >= LIMIT || body.length >= LIMIT;
    // The local header and the central directory entry share these fields, from "version needed" on.
    const shared = (header: Buffer, at: number, zip64: boolean, extraLength: number) => {
      header.writeUInt16LE(zip64 ? 45 : 20, at); // version needed
      header.writeUInt16LE(0x0800, at + 2); // UTF-8 names
      header.writeUInt16LE(compressed ? DEFLATED : STORED, at + 4);
      header.writeUInt16LE(DOS_TIME, at + 6);
      header.writeUInt16LE(DOS_DATE, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(big ? LIMIT : body.length, at + 14);
      header.writeUInt32LE(big ? LIMIT : data.length, at + 18);
      header.writeUInt16LE(nameBytes.length, at + 22);
      header.writeUInt16LE(extraLength, at + 24);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    const localExtra = big ? zip64Extra([data.length, body.length]) : Buffer.alloc(0);
    shared(local, 4, big, localExtra.length);
    parts.push(local, nameBytes, localExtra, body);

    const farOffset = offset >= LIMIT;
    const centralExtra = big || farOffset ? zip64Extra([...(big ? [data.length, body.length] : []), ...(farOffset ? [offset] : [])]) : Buffer.alloc(0);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(CENTRAL, 0);
    entry.writeUInt16LE(45, 4); // version made by
    shared(entry, 6, big || farOffset, centralExtra.length);
    entry.writeUInt32LE(farOffset ? LIMIT : offset, 42);
    central.push(entry, nameBytes, centralExtra);
    offset += local.length + nameBytes.length + localExtra.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end: Buffer[] = [];
  if (offset >= LIMIT || directory.length >= LIMIT || members.length >= 0xffff) {
    const record = Buffer.alloc(56);
    record.writeUInt32LE(ZIP64_EOCD, 0);
    record.writeBigUInt64LE(44n, 4);
    record.writeUInt16LE(45, 12);
    record.writeUInt16LE(45, 14);
    record.writeBigUInt64LE(BigInt(members.length), 24);
    record.writeBigUInt64LE(BigInt(members.length), 32);
    record.writeBigUInt64LE(BigInt(directory.length), 40);
    record.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(ZIP64_LOCATOR, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    end.push(record, locator);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(EOCD, 0);
  eocd.writeUInt16LE(Math.min(members.length, 0xffff), 8);
  eocd.writeUInt16LE(Math.min(members.length, 0xffff), 10);
  eocd.writeUInt32LE(Math.min(directory.length, LIMIT), 12);
  eocd.writeUInt32LE(Math.min(offset, LIMIT), 16);
  end.push(eocd);
  return Buffer.concat([...parts, directory, ...end]);
}
