"""Protocol v1 tests for the Python adapter, driving the real interpreter the way the host does."""
import json
import os
import queue
import subprocess
import sys
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ADAPTER = os.path.join(HERE, "adapter.py")
TESTDATA = os.path.join(HERE, "testdata")
TIMEOUT = 20


class Adapter:
    """One adapter process seen from the host: NDJSON in, NDJSON out, stderr collected."""

    def __init__(self, *args, interpreter_flags=(), env=None):
        self.proc = subprocess.Popen(
            [sys.executable, *interpreter_flags, ADAPTER, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})})
        self.lines = queue.Queue()
        self._stderr = []
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self._stderr_thread = threading.Thread(target=self._read_stderr, daemon=True)
        self._stderr_thread.start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self):
        for line in self.proc.stderr:
            self._stderr.append(line.decode("utf-8", "replace"))

    def send(self, msg):
        raw = msg if isinstance(msg, bytes) else json.dumps(msg).encode() + b"\n"
        self.proc.stdin.write(raw)
        self.proc.stdin.flush()

    def recv(self):
        line = self.lines.get(timeout=TIMEOUT)
        if line is None:
            raise AssertionError("adapter closed stdout; stderr:\n" + self.stderr())
        return json.loads(line)  # every stdout line must be a protocol message

    def no_more_output(self):
        return self.lines.get(timeout=TIMEOUT) is None

    def wait(self):
        return self.proc.wait(timeout=TIMEOUT)

    def stderr(self):
        if self.proc.poll() is not None:  # after exit, wait until every stderr line is read
            self._stderr_thread.join(timeout=TIMEOUT)
        return "".join(self._stderr)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=TIMEOUT)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except BrokenPipeError:
                pass


def init_msg(handler, env=None, root=TESTDATA):
    return {"type": "init", "function": "test-fn", "root": root, "handler": handler, "env": env or {}}


def invoke_msg(id, payload, **extra):
    return {"type": "invoke", "id": id, "payload": payload, "deadlineMs": None, **extra}


class AdapterTest(unittest.TestCase):
    def start(self, *args, **kwargs):
        adapter = Adapter(*args, **kwargs)
        self.addCleanup(adapter.close)
        ready = adapter.recv()
        self.assertEqual(ready["type"], "ready")
        return adapter

    def started(self, handler, *args, init_env=None, **kwargs):
        adapter = self.start(*args, **kwargs)
        adapter.send(init_msg(handler, init_env))
        reply = adapter.recv()
        self.assertEqual(reply["type"], "initialized", reply)
        return adapter

    def assert_error(self, reply, etype, id=None):
        self.assertEqual(reply["type"], "error", reply)
        self.assertEqual(reply.get("id"), id)
        self.assertEqual(set(reply["error"]), {"type", "message", "stack", "retryable"})
        self.assertEqual(reply["error"]["type"], etype, reply)
        return reply["error"]

    def test_ready_line_names_runtime_version_and_pid(self):
        adapter = Adapter()
        self.addCleanup(adapter.close)
        ready = adapter.recv()
        self.assertEqual(ready, {"type": "ready", "protocol": 1, "runtime": "python",
                                 "version": "%d.%d.%d" % sys.version_info[:3], "pid": adapter.proc.pid})

    def test_init_loads_handler_and_reports_ms(self):
        adapter = self.start()
        adapter.send(init_msg("handler.py:echo"))
        reply = adapter.recv()
        self.assertEqual(reply["type"], "initialized")
        self.assertIsInstance(reply["ms"], float)

    def test_init_missing_file_is_handler_not_found_and_exits_1(self):
        adapter = self.start()
        adapter.send(init_msg("nope.py:handle"))
        reply = adapter.recv()
        self.assertEqual(reply["phase"], "init")
        self.assertFalse(self.assert_error(reply, "Runtime.HandlerNotFound")["retryable"])
        self.assertEqual(adapter.wait(), 1)

    def test_init_missing_function_is_handler_not_found_and_exits_1(self):
        for spec in ("handler.py:missing", "handler.py:not_callable", "handler.py"):
            adapter = self.start()
            adapter.send(init_msg(spec))
            self.assert_error(adapter.recv(), "Runtime.HandlerNotFound")
            self.assertEqual(adapter.wait(), 1, spec)

    def test_init_module_that_raises_reports_its_exception_class_and_exits_1(self):
        adapter = self.start()
        adapter.send(init_msg("broken_import.py:handle"))
        error = self.assert_error(adapter.recv(), "ZeroDivisionError")
        self.assertIn("configuration is missing", error["message"])
        self.assertIn("broken_import.py", error["stack"])
        self.assertEqual(adapter.wait(), 1)

    def test_init_with_bad_root_is_init_failed(self):
        adapter = self.start()
        adapter.send(init_msg("handler.py:echo", root=os.path.join(TESTDATA, "no-such-dir")))
        self.assert_error(adapter.recv(), "Runtime.InitFailed")
        self.assertEqual(adapter.wait(), 1)

    def test_init_sets_cwd_to_root_and_a_second_init_is_refused(self):
        adapter = self.started("handler.py:context_echo")
        adapter.send(invoke_msg("1", None))
        self.assertEqual(adapter.recv()["output"]["cwd"], TESTDATA)
        adapter.send(init_msg("handler.py:echo"))  # a second init is refused; the process lives on
        self.assert_error(adapter.recv(), "Runtime.BadMessage")

    def test_invoke_sync_handler_returns_output(self):
        adapter = self.started("handler.py:echo")
        adapter.send(invoke_msg("a1", {"x": [1, 2.5, "ü", None, True], "empty": {}}))
        reply = adapter.recv()
        self.assertEqual(reply["type"], "result")
        self.assertEqual(reply["id"], "a1")
        self.assertEqual(reply["output"], {"x": [1, 2.5, "ü", None, True], "empty": {}})
        self.assertIsInstance(reply["ms"], float)

    def test_invoke_async_handler_is_awaited(self):
        adapter = self.started("handler.py:async_echo")
        for id in ("1", "2"):  # the second call reuses the event loop
            adapter.send(invoke_msg(id, id))
            self.assertEqual(adapter.recv()["output"], {"async": True, "payload": id})

    def test_context_carries_host_fields_invocation_id_and_deadline(self):
        adapter = self.started("handler.py:context_echo")
        adapter.send(invoke_msg("c1", None, deadlineMs=1893456000000,
                                context={"runId": "r1", "step": "score", "attempt": 2, "function": "test-fn"}))
        self.assertEqual(adapter.recv()["output"]["context"], {
            "runId": "r1", "step": "score", "attempt": 2, "function": "test-fn",
            "invocationId": "c1", "deadlineMs": 1893456000000})

    def test_handler_exception_is_reported_and_process_serves_next_invoke(self):
        adapter = self.started("handler.py:fail")
        adapter.send(invoke_msg("e1", "x"))
        error = self.assert_error(adapter.recv(), "CardDeclined", id="e1")
        self.assertEqual(error["message"], "card declined: x")
        self.assertTrue(error["retryable"])
        self.assertIn('handler.py", line', error["stack"])
        self.assertNotIn("adapter.py", error["stack"])
        adapter.send(invoke_msg("e2", "y"))
        self.assert_error(adapter.recv(), "CardDeclined", id="e2")

    def test_builtin_exception_keeps_its_class_name(self):
        adapter = self.started("handler.py:fail_value")
        adapter.send(invoke_msg("v", None))
        self.assertEqual(self.assert_error(adapter.recv(), "ValueError", id="v")["message"], "bad value")

    def test_exception_may_opt_out_of_retries(self):
        adapter = self.started("handler.py:fail_final")
        adapter.send(invoke_msg("f", None))
        self.assertFalse(self.assert_error(adapter.recv(), "NotWorthRetrying", id="f")["retryable"])

    def test_prints_go_to_stderr_and_never_corrupt_stdout(self):
        adapter = self.started("handler.py:noisy")
        adapter.send(invoke_msg("p", None))
        reply = adapter.recv()
        self.assertEqual((reply["type"], reply["id"], reply["output"]), ("result", "p", "quiet result"))
        adapter.send({"type": "shutdown"})
        self.assertTrue(adapter.no_more_output())  # nothing else ever reached stdout
        self.assertEqual(adapter.wait(), 0)
        stderr = adapter.stderr()
        for text in ("print from handler", "sys.__stdout__ from handler",
                     "raw fd 1 from handler", "child process output"):
            self.assertIn(text, stderr)

    def test_five_megabyte_payload_round_trips(self):
        adapter = self.started("handler.py:echo")
        payload = {"blob": "x" * (5 * 1024 * 1024), "list": list(range(1000))}
        started = time.perf_counter()
        adapter.send(invoke_msg("big", payload))
        reply = adapter.recv()
        self.assertEqual(reply["output"], payload)
        self.assertLess(time.perf_counter() - started, 10)

    def test_non_json_line_is_bad_message_and_adapter_keeps_going(self):
        adapter = self.started("handler.py:echo")
        adapter.send(b"this is not json\n")
        self.assert_error(adapter.recv(), "Runtime.BadMessage")
        adapter.send(b"[1, 2]\n")
        self.assert_error(adapter.recv(), "Runtime.BadMessage")
        adapter.send({"type": "invoke", "id": "no-payload"})
        self.assert_error(adapter.recv(), "Runtime.BadMessage", id="no-payload")
        adapter.send({"type": "bogus", "id": "b"})
        self.assert_error(adapter.recv(), "Runtime.BadMessage", id="b")
        adapter.send(invoke_msg("ok", 1))
        self.assertEqual(adapter.recv()["output"], 1)

    def test_unserialisable_output_is_output_not_serializable(self):
        for handler in ("handler.py:unserialisable", "handler.py:nan"):
            adapter = self.started(handler)
            adapter.send(invoke_msg("u", None))
            self.assert_error(adapter.recv(), "Runtime.OutputNotSerializable", id="u")
            adapter.send(invoke_msg("u2", None))  # still alive
            self.assert_error(adapter.recv(), "Runtime.OutputNotSerializable", id="u2")

    def test_env_from_init_is_visible_to_handler(self):
        adapter = self.started("handler.py:env", init_env={"SMTP_HOST": "127.0.0.1", "PORT": 25})
        adapter.send(invoke_msg("env", ["SMTP_HOST", "PORT", "UNSET_VAR"]))
        self.assertEqual(adapter.recv()["output"], {"SMTP_HOST": "127.0.0.1", "PORT": "25", "UNSET_VAR": None})

    def test_sibling_modules_import_from_root(self):
        adapter = self.started("handler.py:helper_value")
        adapter.send(invoke_msg("h", None))
        self.assertEqual(adapter.recv()["output"], "from helper")

    def test_invoke_before_init_is_not_initialized(self):
        adapter = self.start()
        adapter.send(invoke_msg("early", None))
        self.assert_error(adapter.recv(), "Runtime.NotInitialized", id="early")
        adapter.send(init_msg("handler.py:echo"))  # the stem cell is still usable
        self.assertEqual(adapter.recv()["type"], "initialized")

    def test_shutdown_exits_0(self):
        adapter = self.started("handler.py:echo")
        adapter.send({"type": "shutdown"})
        self.assertEqual(adapter.wait(), 0)

    def test_eof_on_stdin_exits_0_even_as_stem_cell(self):
        adapter = self.start()
        adapter.proc.stdin.close()
        self.assertEqual(adapter.wait(), 0)

    def test_sys_exit_in_handler_is_exit_error_and_exits_1(self):
        adapter = self.started("handler.py:exits")
        adapter.send(invoke_msg("x", None))
        self.assert_error(adapter.recv(), "Runtime.ExitError", id="x")
        self.assertEqual(adapter.wait(), 1)

    def test_one_shot_exits_0_after_first_reply(self):
        for args, env in ((("--one-shot",), None), ((), {"ORCHESTRATOR_ONE_SHOT": "1"})):
            adapter = self.started("handler.py:fail", *args, env=env)
            adapter.send(invoke_msg("once", None))
            self.assert_error(adapter.recv(), "CardDeclined", id="once")
            self.assertEqual(adapter.wait(), 0)

    def test_runs_without_site_module(self):
        adapter = self.started("handler.py:echo", interpreter_flags=("-S",))
        adapter.send(invoke_msg("s", "no site"))
        self.assertEqual(adapter.recv()["output"], "no site")


if __name__ == "__main__":
    unittest.main()
