"""Prints, as JSON, what numpy sees in an npz: per key the dtype, shape, and
whether the member's bytes are identical to `np.save` of the loaded array,
its zip compression method, and its values when small (NaN as null) or
named after the file.

    python python/npz_inspect.py FILE.npz [KEY ...]
"""

import io
import json
import sys
import zipfile

import numpy as np

path = sys.argv[1]
wanted = set(sys.argv[2:])
report = {}
with np.load(path) as d, zipfile.ZipFile(path) as z:
    for key in d.files:
        arr = d[key]
        buf = io.BytesIO()
        np.save(buf, arr)
        report[key] = dict(
            dtype=arr.dtype.str,
            shape=list(arr.shape),
            identical_to_np_save=z.read(f"{key}.npy") == buf.getvalue(),
            compression=z.getinfo(f"{key}.npy").compress_type,
            values=[None if v != v else v for v in arr.ravel().tolist()] if arr.size <= 64 or key in wanted else None,
        )
print(json.dumps(report))
