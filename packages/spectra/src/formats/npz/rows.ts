/**
 * Reading a stored (uncompressed) C-order npz member a block of channels at a
 * time: the rows are contiguous, so a block is one positioned read (or one
 * read per row for part of the samples). Whole rows read front to back are
 * checked against the member's CRC as they pass (the first time they all
 * pass), so a streamed read refuses a corrupt member as a whole read does.
 */
import { WaterfallError } from "../../errors.js";
import { alignedBuffer } from "../../io/files.js";
import { toFloat32 } from "../../io/npy.js";
import type { StoredArray } from "../../io/npz.js";
import * as native from "../../native.js";
import type { ChannelRows } from "../format.js";

/**
 * The channel rows of a stored `[nchan][ntime]` member of numbers, or undefined
 * when it is Fortran-ordered (time-major), not numeric or not of its declared
 * size (a whole read then says what is wrong).
 */
export function storedChannelRows(array: StoredArray, file: string): ChannelRows | undefined {
  const numeric = /^[<>|=]?[fiub](\d+)$/.exec(array.descr);
  if (array.fortranOrder || array.shape.length !== 2 || !numeric) return undefined;
  const [nchan, ntime] = array.shape;
  const itemBytes = Number(numeric[1]);
  if (nchan * ntime * itemBytes !== array.dataBytes || nchan * ntime === 0) return undefined;
  const rowBytes = ntime * itemBytes;
  // the CRC of the member up to the next row, while whole rows are read in order (until it has been checked once)
  let checked: { crc: number; nextRow: number } | undefined;
  let verified = false;
  return {
    itemBytes,
    async read(firstRow, rows, first, count, into) {
      const size = rows * count * itemBytes;
      const bytes = into && into.byteLength >= size && into.byteOffset % 8 === 0 ? into.subarray(0, size) : alignedBuffer(size);
      if (first === 0 && count === ntime) await array.read(firstRow * rowBytes, bytes);
      else
        await Promise.all(
          Array.from({ length: rows }, (_, r) =>
            array.read((firstRow + r) * rowBytes + first * itemBytes, bytes.subarray(r * count * itemBytes, (r + 1) * count * itemBytes)),
          ),
        );
      const whole = first === 0 && count === ntime && !verified;
      if (whole && firstRow === 0) checked = { crc: native.crc32(array.header, file), nextRow: 0 };
      if (whole && checked && checked.nextRow === firstRow) {
        checked = { crc: native.crc32(bytes, file, checked.crc), nextRow: firstRow + rows };
        if (checked.nextRow === nchan && checked.crc !== array.crc)
          throw new WaterfallError("E_CORRUPT", `member '${array.key}.npy' is corrupt or truncated (CRC mismatch)`, { file });
        verified = checked.nextRow === nchan;
      } else checked = undefined;
      return toFloat32({ descr: array.descr, shape: [rows, count], fortranOrder: false, data: bytes }, { file, key: array.key });
    },
  };
}
