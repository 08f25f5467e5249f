"""matplotlib's colours for given values: what `imshow(values, cmap, vmin, vmax)`
maps each value to (matplotlib's Normalize and Colormap, 8-bit).

    python python/colormap_reference.py IN.npz CMAP OUT.npz

IN.npz holds `values` (float32, any shape), `vmin` and `vmax`; OUT.npz gets
`rgba` (uint8, shape + (4,)).
"""

import sys

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import Normalize

d = np.load(sys.argv[1])
values = d["values"]
norm = Normalize(vmin=d["vmin"].item(), vmax=d["vmax"].item())
rgba = colormaps[sys.argv[2]](norm(values), bytes=True)
np.savez(sys.argv[3], rgba=rgba)
