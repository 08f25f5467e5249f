"""Small npz files in other tools' layouts, for the layout tests:

    python python/npz_layouts.py OUTDIR      CHIME catalog, custom-key and uneven-frequency npz files
    python python/npz_layouts.py --h5 FILE   an HDF5 file that is not a FETCH candidate
"""

import sys
from pathlib import Path

import numpy as np

if sys.argv[1] == "--h5":
    import h5py

    with h5py.File(sys.argv[2], "w") as f:
        f.create_dataset("something", data=np.zeros((2, 2)))
    sys.exit()

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
grid = np.arange(12, dtype=np.float32).reshape(4, 3)
# CHIME catalog waterfalls: highest frequency first
np.savez(out / "chime_catalog.npz", wfall=grid, dt_s=0.001, center_freq_mhz=np.array([700.1953125, 600.1953125, 500.1953125, 400.1953125]))
np.savez(out / "custom.npz", spectrum=grid, tsamp=0.002, f=np.array([1000.0, 1050.0, 1100.0, 1150.0]))
np.savez(out / "uneven.npz", wfall=grid, dt=0.001, dfs=np.array([1000.0, 1001.0, 1003.0, 1004.0]), DM=1.0)
