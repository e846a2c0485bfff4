import os
import time


def handle(payload, context):
    time.sleep(payload.get("ms", 10) / 1000)
    return {"pid": os.getpid(), "n": payload.get("n")}
