import os
import subprocess
import sys
import time


def handle(payload, context):
    child = subprocess.Popen(["sleep", "60"])
    print("started sleep", child.pid, file=sys.stderr)
    # Written atomically, so the test never reads half a pid.
    tmp = payload["pidFile"] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(child.pid))
    os.replace(tmp, payload["pidFile"])
    time.sleep(120)
    return "never"
