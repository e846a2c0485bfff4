import os
import sys


def handle(payload, context):
    print("python says hi to stdout")
    print("python says hi to stderr", file=sys.stderr)
    if isinstance(payload, dict) and payload.get("fail"):
        raise ValueError("asked to fail")
    names = payload.get("env", []) if isinstance(payload, dict) else []
    return {"echo": payload, "pid": os.getpid(), "env": {name: os.environ.get(name) for name in names}}
