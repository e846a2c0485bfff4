"""Test handlers for the Python adapter: each one exercises one protocol behaviour."""
import asyncio
import os
import subprocess
import sys

import helper  # a sibling module: proves the function's root is on sys.path

LOADED_CWD = os.getcwd()


def echo(payload, context):
    return payload


async def async_echo(payload, context):
    await asyncio.sleep(0.01)
    return {"async": True, "payload": payload}


def context_echo(payload, context):
    return {"context": context, "cwd": LOADED_CWD}


class CardDeclined(Exception):
    pass


def fail(payload, context):
    raise CardDeclined("card declined: %s" % payload)


def fail_value(payload, context):
    raise ValueError("bad value")


class NotWorthRetrying(Exception):
    retryable = False


def fail_final(payload, context):
    raise NotWorthRetrying("permanent")


def noisy(payload, context):
    print("print from handler")
    sys.__stdout__.write("sys.__stdout__ from handler\n")
    sys.__stdout__.flush()
    os.write(1, b"raw fd 1 from handler\n")
    subprocess.run(["sh", "-c", "echo child process output"], check=True)
    return "quiet result"


def unserialisable(payload, context):
    return {"a set": {1, 2}}


def nan(payload, context):
    return float("nan")


def env(payload, context):
    return {name: os.environ.get(name) for name in payload}


def exits(payload, context):
    sys.exit(3)


def helper_value(payload, context):
    return helper.VALUE


not_callable = 42
