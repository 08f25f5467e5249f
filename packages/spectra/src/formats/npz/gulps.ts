/**
 * Reading an npz waterfall in gulps: a C-ordered member (channels are contiguous rows) in channel
 * gulps, stored (positioned reads) or deflated (inflated front to back once, the CRC checked at the
 * end); a stored Fortran-ordered member (samples are contiguous rows of every channel) in time
 * gulps. A deflated Fortran-ordered member has no gulps (the streaming path would inflate it once
 * per pass): it is read whole.
 */
import { flipRows } from "../../arrays.js";
import { alignedBuffer } from "../../io/files.js";
import { toFloat32 } from "../../io/npy.js";
import type { NpyMember } from "../../io/npz.js";
import type { Gulps } from "../format.js";

interface Members {
  intensity: NpyMember;
  weights?: NpyMember;
}

interface Grid {
  nchan: number;
  ntime: number;
  /** The file's rows run from the highest frequency down. */
  descending: boolean;
}

/** Bytes per value of a member whose header describes `nchan x ntime` values. */
function itemsize(member: NpyMember, grid: Grid): number {
  return (member.header.dataBytes ?? 0) / (grid.nchan * grid.ntime);
}

/** How an npz waterfall reads in gulps, or undefined when it cannot. */
export function npzGulps(members: Members, grid: Grid, file: string, key: string): Gulps | undefined {
  const { intensity, weights } = members;
  if (intensity.header.dataBytes === null || (weights && weights.header.dataBytes === null)) return undefined;
  if (!intensity.header.fortranOrder && !weights?.header.fortranOrder) return channelGulps(members, grid, file, key);
  if (intensity.header.fortranOrder && intensity.stored && !weights) return timeGulps(intensity, grid, file, key);
  return undefined;
}

/** Two buffers used in turn, so the gulp handed out last stays valid while the next is read. */
function alternatingBuffers() {
  const buffers: Uint8Array[] = [];
  let turn = 0;
  return (size: number) => {
    turn = 1 - turn;
    if (!buffers[turn] || buffers[turn].length < size) buffers[turn] = alignedBuffer(size);
    return buffers[turn].subarray(0, size);
  };
}

/** Rows `[r0, r1)` of a C-ordered `[rows][ntime]` member, samples `[first, first + count)`, as bytes. */
async function readRows(member: NpyMember, ntime: number, size: number, r0: number, r1: number, first: number, count: number, target: Uint8Array) {
  const rowBytes = count * size;
  // a small time range reads each row's part; a large one reads the rows whole and keeps the part
  if (count * 2 >= ntime) {
    const span = ((r1 - r0 - 1) * ntime + count) * size;
    const whole = count === ntime ? target : alignedBuffer(span);
    await member.read((r0 * ntime + first) * size, whole.subarray(0, span));
    if (whole !== target) for (let r = 0; r < r1 - r0; r++) target.set(whole.subarray(r * ntime * size, r * ntime * size + rowBytes), r * rowBytes);
    return;
  }
  const read = (r: number) => member.read(((r0 + r) * ntime + first) * size, target.subarray(r * rowBytes, (r + 1) * rowBytes));
  if (member.stored) await Promise.all(Array.from({ length: r1 - r0 }, (_, r) => read(r)));
  else for (let r = 0; r < r1 - r0; r++) await read(r); // a deflated member reads front to back
}

function channelGulps(members: Members, grid: Grid, file: string, key: string): Gulps {
  const { nchan, ntime, descending } = grid;
  const size = itemsize(members.intensity, grid);
  const buffers = { intensity: alternatingBuffers(), weights: alternatingBuffers() };
  const decode = async (member: NpyMember, name: string, c0: number, c1: number, first: number, count: number, buffer: (n: number) => Uint8Array) => {
    const bytes = buffer((c1 - c0) * count * itemsize(member, grid));
    // our channels [c0, c1) are the file's rows [nchan - c1, nchan - c0) when they descend
    const [r0, r1] = descending ? [nchan - c1, nchan - c0] : [c0, c1];
    await readRows(member, ntime, itemsize(member, grid), r0, r1, first, count, bytes);
    const values = toFloat32({ descr: member.header.descr, shape: [c1 - c0, count], fortranOrder: false, data: bytes }, { file, key: name });
    if (c1 === nchan) await member.finish(); // the last gulp: a deflated member's CRC
    return descending ? flipRows(values, c1 - c0, count) : values;
  };
  return {
    kind: "channels",
    bytesPerSample: size,
    async read(c0, c1, first, count) {
      const intensity = await decode(members.intensity, key, c0, c1, first, count, buffers.intensity);
      const weights = members.weights && (await decode(members.weights, "weights", c0, c1, first, count, buffers.weights));
      return { intensity, weights };
    },
  };
}

function timeGulps(member: NpyMember, grid: Grid, file: string, key: string): Gulps {
  const { nchan, descending } = grid;
  const size = itemsize(member, grid);
  const float32 = member.header.descr === "<f4" || member.header.descr === "=f4";
  const buffer = alternatingBuffers();
  return {
    kind: "time",
    layout: { nbits: 32, descending },
    async readRows(first, count, target) {
      if (float32) return member.read(first * nchan * 4, target.subarray(0, count * nchan * 4));
      const raw = buffer(count * nchan * size);
      await member.read(first * nchan * size, raw);
      // Fortran order: the data are time-major rows, so in file order they are the rows of a C-ordered [count][nchan] array
      const values = toFloat32({ descr: member.header.descr, shape: [count, nchan], fortranOrder: false, data: raw }, { file, key });
      target.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    },
  };
}
