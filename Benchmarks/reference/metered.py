"""Runs a command, then prints how much CPU *other* processes used while it ran (stdlib only).

Usage: metered.py --reference-dir DIR -- COMMAND [ARGS...]
Prints the command's own output, then `[load] other processes X.XX cores, steal X.XX cores`, from
benchutil.LoadMeter of the reference folder (which counts waited-for children as our own CPU time).
compare.sh runs both programs through this so that a timing shared with someone else's job, which
can slow a 2-thread run several-fold, is flagged in the table rather than silently compared.
"""
import subprocess
import sys

if len(sys.argv) < 5 or sys.argv[1] != "--reference-dir" or sys.argv[3] != "--":
    sys.exit(__doc__.split("\n")[2])
sys.path.insert(0, sys.argv[2])
from benchutil import LoadMeter  # noqa: E402

meter = LoadMeter().start()
status = subprocess.call(sys.argv[4:])
other, steal = meter.stop()
print(f"[load] other processes {other:.2f} cores, steal {steal:.2f} cores", flush=True)
sys.exit(status)
