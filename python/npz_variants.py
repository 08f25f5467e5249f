"""Writes npz files in every layout the reader must handle, plus broken ones,
for the TypeScript npz tests:

    python python/npz_variants.py OUTDIR

Every valid variant stores the same 5 x 7 waterfall (`expected.npz` holds it as
float32, converted by numpy) under a different dtype, byte order, memory order
or container; the broken ones are described by their names.
"""

import sys
from pathlib import Path

import numpy as np

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
base = (np.arange(35, dtype=np.float64).reshape(5, 7) * 3.5 - 40.25)
base[1, 2] = np.nan
ints = np.round(base[:, :]).copy()
ints[1, 2] = 7
scalars = dict(dt=np.float64(0.00098304), df=np.float64(3.125), dm=np.float64(87.5), fbottom=np.float64(400.1953125))


def save(name, intensity, compressed=False, **extra):
    (np.savez_compressed if compressed else np.savez)(out / name, intensity=intensity, **{**scalars, **extra})


variants = {
    "f4": base.astype("<f4"),
    "f8": base.astype("<f8"),
    "f4_big_endian": base.astype(">f4"),
    "f8_big_endian": base.astype(">f8"),
    "f2": base.astype("<f2"),
    "i2": ints.astype("<i2"),
    "u1": np.abs(ints).astype("|u1"),
    "f4_fortran": np.asfortranarray(base.astype("<f4")),
    "f8_fortran": np.asfortranarray(base.astype("<f8")),
}
expected = {}
for name, arr in variants.items():
    save(f"{name}.npz", arr)
    save(f"{name}_compressed.npz", arr, compressed=True)
    expected[name] = np.ascontiguousarray(arr).astype(np.float32)
np.savez(out / "expected.npz", **expected)

# Extra keys of other types are kept; scalars may be 1-element 1-d arrays.
np.savez(
    out / "extra_keys.npz",
    intensity=base.astype("<f4"),
    dt=np.array([0.00098304]),
    df=np.float32(3.125),
    dm=np.int64(87),
    fbottom=np.float64(400.1953125),
    tns_name=np.array("20200120E"),
    beams=np.arange(4, dtype=np.int32),
)

# Broken inputs.
save("one_dimensional.npz", base.ravel().astype("<f4"))
save("three_dimensional.npz", base.reshape(5, 7, 1).astype("<f4"))
save("complex.npz", base.astype(np.complex64))
save("object.npz", np.array([[1, "a"]], dtype=object))
np.savez(out / "missing_dt.npz", intensity=base.astype("<f4"), df=3.125, dm=1.0, fbottom=400.0)
save("zero_channels.npz", np.zeros((0, 7), dtype="<f4"))
np.savez(out / "negative_dt.npz", intensity=base.astype("<f4"), **{**scalars, "dt": np.float64(-1e-3)})
np.savez(out / "zero_df.npz", intensity=base.astype("<f4"), **{**scalars, "df": np.float64(0.0)})
whole = (out / "f4.npz").read_bytes()
(out / "truncated.npz").write_bytes(whole[: len(whole) // 2])
(out / "not_a_zip.npz").write_bytes(b"intensity,dt\n1,2\n")
(out / "empty.npz").write_bytes(b"")
np.save(out / "plain.npy", base.astype("<f4"))
(out / "plain_npy_named.npz").write_bytes((out / "plain.npy").read_bytes())
print(out)
