"""Runs a command and prints its wall time, CPU seconds (user + system) and peak RSS as JSON:

    python bench/lib/rusage.py COMMAND [ARGS...]

The peak is the child's own (getrusage of the waited children: this wrapper runs one), in KiB.
"""

import json
import resource
import subprocess
import sys
import time

start = time.perf_counter()
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - start
if result.returncode != 0:
    sys.stderr.write(result.stderr.decode(errors="replace")[-2000:])
    sys.exit(result.returncode)
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"seconds": seconds, "cpuSeconds": usage.ru_utime + usage.ru_stime, "maxRssKiB": usage.ru_maxrss}))
