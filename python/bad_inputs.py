"""Broken and awkward inputs for the bad-input tests (one file per case):

    python python/bad_inputs.py OUTDIR
"""

import io
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
rng = np.random.default_rng(6)
good = rng.normal(0, 1, (64, 256)).astype(np.float32)
axes = dict(dt=np.float64(0.001), df=np.float64(6.25), dm=np.float64(10.0), fbottom=np.float64(400.0))


def save(name, intensity, **override):
    np.savez(out / name, intensity=intensity, **{**axes, **override})


save("good.npz", good)
(out / "empty.npz").write_bytes(b"")
(out / "text.npz").write_text("this is not a zip\n")
whole = (out / "good.npz").read_bytes()
(out / "truncated.npz").write_bytes(whole[: len(whole) * 2 // 3])


def npy_bytes(array, header_shape=None, descr=None):
    buf = io.BytesIO()
    np.save(buf, array)
    raw = buf.getvalue()
    if header_shape is not None:
        raw = raw.replace(repr(array.shape).encode(), repr(header_shape).encode().ljust(len(repr(array.shape))), 1)
    if descr is not None:
        raw = raw.replace(b"'<f4'", f"'{descr}'".encode(), 1)
    return raw


def zip_members(name, members, method=zipfile.ZIP_STORED):
    with zipfile.ZipFile(out / name, "w", method) as z:
        for key, data in members.items():
            z.writestr(f"{key}.npy", data)


scalars = {k: npy_bytes(v) for k, v in axes.items()}
zip_members("lying_shape.npz", {"intensity": npy_bytes(good, header_shape=(64, 2560)), **scalars})
zip_members("lying_dtype.npz", {"intensity": npy_bytes(good, descr="<f8"), **scalars})

def declare_size(path, size):
    """Rewrites the npz at `path` so its central directory declares `size`
    uncompressed bytes for intensity.npy: in the zip64 extra field when the
    entry defers to one (numpy's do), else in the 32-bit field (capped)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"PK\x01\x02")
    while at != -1:
        name_len, extra_len = struct.unpack_from("<HH", data, at + 28)
        if data[at + 46 : at + 46 + name_len] == b"intensity.npy":
            extra = at + 46 + name_len
            deferred = struct.unpack_from("<I", data, at + 24)[0] == 0xFFFFFFFF
            if deferred and extra_len >= 12 and struct.unpack_from("<H", data, extra)[0] == 1:
                struct.pack_into("<Q", data, extra + 4, size)
            else:
                struct.pack_into("<I", data, at + 24, min(size, 0xFFFFFFF0))
            break
        at = data.find(b"PK\x01\x02", at + 4)
    path.write_bytes(bytes(data))


# A zip bomb that says what it is: a member declaring 2**40 bytes.
save("bomb_declared.npz", good)
declare_size(out / "bomb_declared.npz", 2**40)

# A zip bomb that lies: declares a small member that inflates to 100 MB.
zip_members("bomb_lying.npz", {"intensity": b"\0" * (100 << 20), **scalars}, zipfile.ZIP_DEFLATED)
declare_size(out / "bomb_lying.npz", 1000)

# A zip64 directory entry that puts its member's local header at 2**60 bytes, past any file.
data = npy_bytes(good)
name = b"intensity.npy"
crc = zlib.crc32(data)
local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, crc, len(data), len(data), len(name), 0) + name + data
extra = struct.pack("<HHQ", 1, 8, 2**60)
entry = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, crc, len(data), len(data), len(name), len(extra), 0, 0, 0, 0, 0xFFFFFFFF)
directory = entry + name + extra
(out / "offset_past_end.npz").write_bytes(local + directory + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(directory), len(local), 0))

save("complex.npz", good.astype(np.complex64))
np.savez(out / "object.npz", intensity=np.array([[1, "x"]], dtype=object), **axes)
save("one_d.npz", good.ravel())
save("no_channels.npz", np.zeros((0, 256), np.float32))
save("no_samples.npz", np.zeros((64, 0), np.float32))
save("all_nan.npz", np.full_like(good, np.nan))
save("all_zero.npz", np.zeros_like(good))
inf = good.copy()
inf[5, 100] = np.inf
inf[7, :] = -np.inf
save("inf.npz", inf)
save("negative_dt.npz", good, dt=np.float64(-0.001))
save("zero_df.npz", good, df=np.float64(0.0))
save("nan_dm.npz", good, dm=np.float64(np.nan))
edge = good.copy()
edge[:, 0] += 50  # the brightest sample is the very first
save("peak_at_edge.npz", edge)
print(out)
