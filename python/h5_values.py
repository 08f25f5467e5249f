"""Prints, as JSON, what h5py reads from datasets of an HDF5 file: per dataset its shape and its
values as float32 numbers in C order (NaN as null), for the HDF5 readers' cross-checks.

    python python/h5_values.py FILE.h5 DATASET [DATASET ...]
"""

import json
import sys

import h5py
import numpy as np

path, names = sys.argv[1], sys.argv[2:]
report = {}
with h5py.File(path, "r") as f:
    for name in names:
        arr = np.asarray(f[name][()], dtype=np.float32)
        values = [None if v != v else v for v in arr.ravel().astype(np.float64).tolist()]
        report[name] = {"shape": list(arr.shape), "values": values}
print(json.dumps(report))
