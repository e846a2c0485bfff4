"""Orchestrator runtime adapter for Python, protocol v1 (see ../PROTOCOL.md).

Standard library only and `python3 -S` compatible. NDJSON commands arrive on stdin, replies leave
on stdout, and stderr belongs to the user's logs. Usage: adapter.py [--one-shot]
"""
import os
import sys

# Before any user code exists, take fd 0 and fd 1 away from it. The protocol keeps private,
# non-inheritable duplicates; fd 1 then points at stderr, so print(), C extensions and child
# processes all log there, and fd 0 at /dev/null, so nothing user code reads or spawns can
# swallow a protocol line.
_OUT = os.dup(1)
_IN = os.fdopen(os.dup(0), "rb")
os.dup2(2, 1)
_null = os.open(os.devnull, os.O_RDONLY)
os.dup2(_null, 0)
os.close(_null)
sys.stdout = sys.stderr

import json  # noqa: E402  (deliberately after the redirect: nothing may print before it)
import time  # noqa: E402
from importlib.machinery import ModuleSpec, SourceFileLoader  # noqa: E402

# These load before `ready` is sent because every init needs them: a stem cell pays for them while
# it waits in the pool, not on a cold function's path. Everything else (asyncio, traceback) is lazy.
# (importlib.machinery, unlike importlib.util, costs next to nothing: it re-exports the import
# system that is already loaded.)

PROTOCOL = 1
_state = {"handler": None, "function": None, "loop": None}


def _line(msg):
    # allow_nan=False: NaN/Infinity are not JSON and the host's parser would reject the line.
    text = json.dumps(msg, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")  # lone surrogates raise here, still before writing


def _send(data):
    # One line, written whole before anything else, straight to the fd: nothing to flush.
    view = memoryview(data if isinstance(data, bytes) else _line(data))
    while view:
        view = view[os.write(_OUT, view):]


def _error(etype, message, stack="", retryable=False):
    return {"type": etype, "message": message, "stack": stack, "retryable": retryable}


def _user_error(exc, retryable=True):
    import traceback  # only failures pay for it

    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next  # the user's stack starts below the adapter's frames
    stack = "".join(traceback.format_exception(type(exc), exc, tb))
    # An exception may opt out of retries with a `retryable = False` attribute.
    return _error(type(exc).__name__, str(exc), stack, retryable and getattr(exc, "retryable", True) is not False)


def _bad(mid, message):
    reply = {"type": "error", "error": _error("Runtime.BadMessage", message)}
    if mid is not None:
        reply["id"] = mid
    return reply


def _exit(code):
    # Run atexit hooks (logging flushes there) but do not wait for stray non-daemon threads a
    # handler may have started: the host is waiting for this process to go.
    import atexit

    atexit._run_exitfuncs()
    sys.stderr.flush()
    os._exit(code)


def _init_failed(etype, message, stack=""):
    _send({"type": "error", "phase": "init", "error": _error(etype, message, stack)})
    _exit(1)


def _init(msg):
    if _state["handler"] is not None:
        return _send(_bad(None, "already initialized as %r; start a new process" % _state["function"]))
    t0 = time.perf_counter()
    function, root, spec, env = msg.get("function"), msg.get("root"), msg.get("handler"), msg.get("env", {})
    if not (isinstance(function, str) and isinstance(root, str) and isinstance(spec, str) and isinstance(env, dict)):
        _init_failed("Runtime.BadMessage", "init needs string function, root, handler and an object env")
    file, _, name = spec.partition(":")  # split at the first colon, like every adapter
    if not file or not name:
        _init_failed("Runtime.HandlerNotFound", "handler %r must look like 'file.py:function'" % spec)
    try:
        for key, value in env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value if isinstance(value, str) else json.dumps(value)
        root = os.path.abspath(root)
        os.chdir(root)
    except Exception as exc:
        _init_failed("Runtime.InitFailed", "cannot apply env/root: %s" % exc)
    path = os.path.join(root, file)
    if not os.path.isfile(path):
        _init_failed("Runtime.HandlerNotFound", "handler file %s does not exist" % path)
    sys.path.insert(0, root)  # so the handler imports its sibling modules and vendored packages
    try:
        stem = os.path.splitext(os.path.basename(path))[0]
        # Register under the file's own name (dataclasses and pickle look modules up there),
        # unless that would replace an already imported module such as `json`.
        modname = stem if stem not in sys.modules else "_orchestrator_fn_" + stem
        loader = SourceFileLoader(modname, path)
        module = type(sys)(modname)
        module.__spec__ = ModuleSpec(modname, loader, origin=path)
        module.__spec__.has_location = True
        module.__loader__, module.__file__ = loader, path
        sys.modules[modname] = module
        loader.exec_module(module)
    except BaseException as exc:  # SystemExit at import time is an init failure like any other
        error = _user_error(exc, retryable=False)
        _init_failed(error["type"], error["message"], error["stack"])
    handler = getattr(module, name, None)
    if not callable(handler):
        _init_failed("Runtime.HandlerNotFound", "%s has no function %r" % (path, name))
    _state["handler"], _state["function"] = handler, function
    _send({"type": "initialized", "ms": round((time.perf_counter() - t0) * 1000, 3)})


def _await(awaitable):
    # asyncio is imported only once a handler returns an awaitable, and one loop is kept for the
    # life of the process so clients created on it (sessions, pools) stay usable next time.
    if _state["loop"] is None:
        import asyncio

        _state["loop"] = asyncio.new_event_loop()
        asyncio.set_event_loop(_state["loop"])
    return _state["loop"].run_until_complete(awaitable)


def _invoke(msg, mid):
    if mid is None:
        return _bad(None, 'invoke needs a string "id"')
    if _state["handler"] is None:
        return {"type": "error", "id": mid, "error": _error("Runtime.NotInitialized", "invoke before init")}
    if "payload" not in msg:
        return _bad(mid, 'invoke needs "payload"')
    context = dict(msg["context"]) if isinstance(msg.get("context"), dict) else {}
    context.update(invocationId=mid, deadlineMs=msg.get("deadlineMs"))
    t0 = time.perf_counter()
    try:
        output = _state["handler"](msg["payload"], context)
        if hasattr(output, "__await__"):  # `async def`, or a sync function returning a coroutine
            output = _await(output)
    except SystemExit as exc:
        err = _error("Runtime.ExitError", "handler called sys.exit(%r)" % (exc.code,), "", True)
        _send({"type": "error", "id": mid, "error": err})
        _exit(1)
    except Exception as exc:
        return {"type": "error", "id": mid, "error": _user_error(exc)}
    ms = round((time.perf_counter() - t0) * 1000, 3)
    try:
        return _line({"type": "result", "id": mid, "output": output, "ms": ms})
    except Exception as exc:  # TypeError, ValueError (NaN, cycles, surrogates), RecursionError
        err = _error("Runtime.OutputNotSerializable", "%s: %s" % (type(exc).__name__, exc))
        return {"type": "error", "id": mid, "error": err}


def main():
    one_shot = "--one-shot" in sys.argv[1:] or os.environ.get("ORCHESTRATOR_ONE_SHOT") == "1"
    version = "%d.%d.%d" % sys.version_info[:3]
    _send({"type": "ready", "protocol": PROTOCOL, "runtime": "python", "version": version, "pid": os.getpid()})
    for raw in iter(_IN.readline, b""):  # BufferedReader.readline: linear in the line's length
        if raw.isspace():
            continue
        try:
            msg = json.loads(raw)
        except ValueError as exc:  # includes invalid UTF-8
            _send(_bad(None, "line is not JSON: %s" % exc))
            continue
        if not isinstance(msg, dict):
            _send(_bad(None, "a message must be a JSON object"))
            continue
        mid = msg.get("id") if isinstance(msg.get("id"), str) else None
        kind = msg.get("type")
        if kind == "init":
            _init(msg)
        elif kind == "invoke":
            _send(_invoke(msg, mid))
            if one_shot and mid is not None:
                _exit(0)
        elif kind == "shutdown":
            _exit(0)
        else:
            _send(_bad(mid, "unknown message type %r" % (kind,)))
    _exit(0)  # EOF: the host closed stdin


if __name__ == "__main__":
    main()
