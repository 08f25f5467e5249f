"""Workload 5 with your's batch plotter: your_h5plotter.py (its own
multiprocessing pool of NPROC workers) on the candidates listed in a CSV.
Prints JSON with the wall time and the peak RSS of the largest process.

    python bench/competitors/w5_your.py RESULTS_CSV OUT_DIR NPROC

your 0.6.7 (the release on PyPI) draws every candidate at 15 x 10 inches and
300 dpi; it has no option for a smaller figure.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import time

csv, out, nproc = sys.argv[1], sys.argv[2], sys.argv[3]
plotter = shutil.which("your_h5plotter.py", path=os.path.dirname(sys.executable))
os.makedirs(out, exist_ok=True)
start = time.perf_counter()
subprocess.run(
    [sys.executable, plotter, "-c", csv, "-o", out.rstrip("/") + "/", "-n", nproc, "--no_progress", "--no_log_file"],
    check=True,
    stdout=subprocess.DEVNULL,
)
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "maxRssKiB": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "figures": len(os.listdir(out))}))
