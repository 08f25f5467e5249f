"""Broken and awkward inputs for the bad-input tests (one file per case):

    python python/bad_inputs.py OUTDIR
"""

import io
import struct
import sys
import zipfile
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

# A zip bomb that says what it is: a member declaring 2**40 bytes (zip64 sizes).
bomb = bytearray((out / "good.npz").read_bytes())
central = bomb.rfind(b"PK\x01\x02" + bytes(2))  # some central entry; patch the intensity one below
with zipfile.ZipFile(out / "good.npz") as z:
    info = z.getinfo("intensity.npy")
at = bomb.find(b"PK\x01\x02")
while at != -1:
    name_len = struct.unpack_from("<H", bomb, at + 28)[0]
    if bomb[at + 46 : at + 46 + name_len] == b"intensity.npy":
        extra_len = struct.unpack_from("<H", bomb, at + 30)[0]
        extra = at + 46 + name_len
        # numpy writes zip64 extras; put 2**40 in the uncompressed size of the extra field (or the plain field)
        if extra_len >= 12 and struct.unpack_from("<H", bomb, extra)[0] == 1:
            struct.pack_into("<Q", bomb, extra + 4, 2**40)
        else:
            struct.pack_into("<I", bomb, at + 24, 0xFFFFFFF0)
        break
    at = bomb.find(b"PK\x01\x02", at + 4)
(out / "bomb_declared.npz").write_bytes(bytes(bomb))

# A zip bomb that lies: declares a small member that inflates to 100 MB.
zip_members("bomb_lying.npz", {"intensity": b"\0" * (100 << 20), **scalars}, zipfile.ZIP_DEFLATED)
lie = bytearray((out / "bomb_lying.npz").read_bytes())
at = lie.find(b"PK\x01\x02")
while at != -1:
    name_len = struct.unpack_from("<H", lie, at + 28)[0]
    if lie[at + 46 : at + 46 + name_len] == b"intensity.npy":
        struct.pack_into("<I", lie, at + 24, 1000)
        extra_len = struct.unpack_from("<H", lie, at + 30)[0]
        if extra_len >= 12 and struct.unpack_from("<H", lie, at + 46 + name_len)[0] == 1:
            struct.pack_into("<Q", lie, at + 46 + name_len + 4, 1000)
        break
    at = lie.find(b"PK\x01\x02", at + 4)
(out / "bomb_lying.npz").write_bytes(bytes(lie))

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
