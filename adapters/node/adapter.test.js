'use strict';
// Protocol v1 tests for the Node adapter, driving the real interpreter the way the host does.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');

const ADAPTER = path.join(__dirname, 'adapter.js');
const TESTDATA = path.join(__dirname, 'testdata');
const TIMEOUT = 20000;

// One adapter process seen from the host: NDJSON in, NDJSON out, stderr collected.
class Adapter {
  constructor(args = [], env = {}) {
    this.proc = spawn(process.execPath, [ADAPTER, ...args], { env: { ...process.env, ...env } });
    this.lines = [];
    this.waiters = [];
    this.stderr = '';
    this.closed = false;
    let parts = [];
    this.proc.stdout.on('data', (chunk) => {
      let start = 0;
      let nl;
      while ((nl = chunk.indexOf(10, start)) !== -1) {
        parts.push(chunk.subarray(start, nl));
        this.push(Buffer.concat(parts).toString('utf8'));
        parts = [];
        start = nl + 1;
      }
      if (start < chunk.length) parts.push(chunk.subarray(start));
    });
    this.proc.stdout.on('end', () => { this.closed = true; this.push(null); });
    this.proc.stderr.on('data', (chunk) => { this.stderr += chunk.toString('utf8'); });
    this.exited = new Promise((resolve) => this.proc.on('close', (code) => resolve(code)));
    this.proc.stdin.on('error', () => {}); // EPIPE once the adapter has exited is expected
  }

  push(line) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(line);
    else this.lines.push(line);
  }

  nextLine() {
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply in time; stderr:\n${this.stderr}`)), TIMEOUT);
      this.waiters.push((line) => { clearTimeout(timer); resolve(line); });
    });
  }

  async recv() {
    const line = await this.nextLine();
    if (line === null) throw new Error(`adapter closed stdout; stderr:\n${this.stderr}`);
    return JSON.parse(line); // every stdout line must be a protocol message
  }

  send(msg) {
    this.proc.stdin.write(typeof msg === 'string' ? msg : JSON.stringify(msg) + '\n');
  }

  wait() {
    return Promise.race([this.exited, new Promise((_, reject) => setTimeout(() => reject(new Error('no exit')), TIMEOUT).unref())]);
  }

  kill() {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill();
  }
}

const initMsg = (handler, env = {}, root = TESTDATA) => ({ type: 'init', function: 'test-fn', root, handler, env });
const invokeMsg = (id, payload, extra = {}) => ({ type: 'invoke', id, payload, deadlineMs: null, ...extra });

async function start(t, args, env) {
  const adapter = new Adapter(args, env);
  t.after(() => adapter.kill());
  assert.equal((await adapter.recv()).type, 'ready');
  return adapter;
}

async function started(t, handler, { initEnv, args, env } = {}) {
  const adapter = await start(t, args, env);
  adapter.send(initMsg(handler, initEnv));
  const reply = await adapter.recv();
  assert.equal(reply.type, 'initialized', JSON.stringify(reply));
  return adapter;
}

function assertError(reply, type, id) {
  assert.equal(reply.type, 'error', JSON.stringify(reply));
  assert.equal(reply.id, id);
  assert.deepEqual(Object.keys(reply.error).sort(), ['message', 'retryable', 'stack', 'type']);
  assert.equal(reply.error.type, type, JSON.stringify(reply));
  return reply.error;
}

test('ready line names runtime, version and pid', async (t) => {
  const adapter = new Adapter();
  t.after(() => adapter.kill());
  assert.deepEqual(await adapter.recv(), { type: 'ready', protocol: 1, runtime: 'node', version: process.versions.node, pid: adapter.proc.pid });
});

test('init loads the handler and reports ms', async (t) => {
  const adapter = await start(t);
  adapter.send(initMsg('handler.js:echo'));
  const reply = await adapter.recv();
  assert.equal(reply.type, 'initialized');
  assert.equal(typeof reply.ms, 'number');
});

test('init with a missing file is Runtime.HandlerNotFound and exits 1', async (t) => {
  const adapter = await start(t);
  adapter.send(initMsg('nope.js:handle'));
  const reply = await adapter.recv();
  assert.equal(reply.phase, 'init');
  assert.equal(assertError(reply, 'Runtime.HandlerNotFound').retryable, false);
  assert.equal(await adapter.wait(), 1);
});

test('init with a missing or non-function export is Runtime.HandlerNotFound and exits 1', async (t) => {
  for (const spec of ['handler.js:missing', 'handler.js:notCallable', 'handler.js']) {
    const adapter = await start(t);
    adapter.send(initMsg(spec));
    assertError(await adapter.recv(), 'Runtime.HandlerNotFound');
    assert.equal(await adapter.wait(), 1, spec);
  }
});

test('init of a module that throws reports its error class and exits 1', async (t) => {
  const adapter = await start(t);
  adapter.send(initMsg('broken.js:handle'));
  const error = assertError(await adapter.recv(), 'ReferenceError');
  assert.match(error.message, /configuration is missing/);
  assert.match(error.stack, /broken\.js/);
  assert.equal(await adapter.wait(), 1);
});

test('init with a bad root is Runtime.InitFailed', async (t) => {
  const adapter = await start(t);
  adapter.send(initMsg('handler.js:echo', {}, path.join(TESTDATA, 'no-such-dir')));
  assertError(await adapter.recv(), 'Runtime.InitFailed');
  assert.equal(await adapter.wait(), 1);
});

test('init sets cwd to root and a second init is refused', async (t) => {
  const adapter = await started(t, 'handler.js:contextEcho');
  adapter.send(invokeMsg('1', null));
  assert.equal((await adapter.recv()).output.cwd, TESTDATA);
  adapter.send(initMsg('handler.js:echo'));
  assertError(await adapter.recv(), 'Runtime.BadMessage');
});

test('invoke of a sync handler returns its output', async (t) => {
  const adapter = await started(t, 'handler.js:echo');
  const payload = { x: [1, 2.5, 'ü', null, true], empty: {} };
  adapter.send(invokeMsg('a1', payload));
  const reply = await adapter.recv();
  assert.equal(reply.type, 'result');
  assert.equal(reply.id, 'a1');
  assert.deepEqual(reply.output, payload);
  assert.equal(typeof reply.ms, 'number');
});

test('async handlers and returned promises are awaited', async (t) => {
  for (const [spec, key] of [['handler.js:asyncEcho', 'async'], ['handler.js:promiseEcho', 'promise'], ['esm.mjs:handle', 'esm']]) {
    const adapter = await started(t, spec);
    adapter.send(invokeMsg('1', 'p'));
    assert.deepEqual((await adapter.recv()).output, { [key]: true, payload: 'p' });
  }
});

test('undefined output becomes null', async (t) => {
  const adapter = await started(t, 'handler.js:returnsUndefined');
  adapter.send(invokeMsg('u', 1));
  assert.equal((await adapter.recv()).output, null);
});

test('context carries host fields, invocation id and deadline', async (t) => {
  const adapter = await started(t, 'handler.js:contextEcho');
  adapter.send(invokeMsg('c1', null, { deadlineMs: 1893456000000, context: { runId: 'r1', step: 'score', attempt: 2, function: 'test-fn' } }));
  assert.deepEqual((await adapter.recv()).output.context, {
    runId: 'r1', step: 'score', attempt: 2, function: 'test-fn', invocationId: 'c1', deadlineMs: 1893456000000,
  });
});

test('handler exception is reported with class and stack, and the process serves the next invoke', async (t) => {
  const adapter = await started(t, 'handler.js:fail');
  adapter.send(invokeMsg('e1', 'x'));
  const error = assertError(await adapter.recv(), 'CardDeclined', 'e1');
  assert.equal(error.message, 'card declined: x');
  assert.equal(error.retryable, true);
  assert.match(error.stack, /handler\.js:\d+/);
  adapter.send(invokeMsg('e2', 'y'));
  assertError(await adapter.recv(), 'CardDeclined', 'e2');
});

test('built-in errors, rejections and thrown strings keep a useful type', async (t) => {
  for (const [spec, type] of [['handler.js:failType', 'TypeError'], ['handler.js:rejects', 'RangeError'], ['handler.js:throwsString', 'Error']]) {
    const adapter = await started(t, spec);
    adapter.send(invokeMsg('b', null));
    assertError(await adapter.recv(), type, 'b');
  }
});

test('an error may opt out of retries', async (t) => {
  const adapter = await started(t, 'handler.js:failFinal');
  adapter.send(invokeMsg('f', null));
  assert.equal(assertError(await adapter.recv(), 'NotWorthRetrying', 'f').retryable, false);
});

test('console.log and process.stdout.write go to stderr and never corrupt stdout', async (t) => {
  const adapter = await started(t, 'handler.js:noisy');
  adapter.send(invokeMsg('p', null));
  const reply = await adapter.recv();
  assert.deepEqual([reply.type, reply.id, reply.output], ['result', 'p', 'quiet result']);
  adapter.send({ type: 'shutdown' });
  assert.equal(await adapter.nextLine(), null); // nothing else ever reached stdout
  assert.equal(await adapter.wait(), 0);
  for (const text of ['console.log from handler', 'console.info from handler', 'process.stdout.write from handler']) {
    assert.ok(adapter.stderr.includes(text), text);
  }
});

test('a 5 MB payload round-trips', async (t) => {
  const adapter = await started(t, 'handler.js:echo');
  const payload = { blob: 'x'.repeat(5 * 1024 * 1024), list: Array.from({ length: 1000 }, (_, i) => i) };
  adapter.send(invokeMsg('big', payload));
  assert.deepEqual((await adapter.recv()).output, payload);
});

test('a non-JSON line is Runtime.BadMessage and the adapter keeps going', async (t) => {
  const adapter = await started(t, 'handler.js:echo');
  adapter.send('this is not json\n');
  assertError(await adapter.recv(), 'Runtime.BadMessage');
  adapter.send('[1, 2]\n');
  assertError(await adapter.recv(), 'Runtime.BadMessage');
  adapter.send({ type: 'invoke', id: 'no-payload' });
  assertError(await adapter.recv(), 'Runtime.BadMessage', 'no-payload');
  adapter.send({ type: 'bogus', id: 'b' });
  assertError(await adapter.recv(), 'Runtime.BadMessage', 'b');
  adapter.send(invokeMsg('ok', 1));
  assert.equal((await adapter.recv()).output, 1);
});

test('unserialisable output is Runtime.OutputNotSerializable', async (t) => {
  for (const spec of ['handler.js:bigint', 'handler.js:circular', 'handler.js:returnsFunction']) {
    const adapter = await started(t, spec);
    adapter.send(invokeMsg('u', null));
    assertError(await adapter.recv(), 'Runtime.OutputNotSerializable', 'u');
    adapter.send(invokeMsg('u2', null)); // still alive
    assertError(await adapter.recv(), 'Runtime.OutputNotSerializable', 'u2');
  }
});

test('env from init is visible to the handler', async (t) => {
  const adapter = await started(t, 'handler.js:env', { initEnv: { SMTP_HOST: '127.0.0.1', PORT: 25 } });
  adapter.send(invokeMsg('env', ['SMTP_HOST', 'PORT', 'UNSET_VAR']));
  assert.deepEqual((await adapter.recv()).output, { SMTP_HOST: '127.0.0.1', PORT: '25', UNSET_VAR: null });
});

test('sibling modules resolve from the function root', async (t) => {
  const adapter = await started(t, 'handler.js:helperValue');
  adapter.send(invokeMsg('h', null));
  assert.equal((await adapter.recv()).output, 'from helper');
});

test('invoke before init is Runtime.NotInitialized and the stem cell stays usable', async (t) => {
  const adapter = await start(t);
  adapter.send(invokeMsg('early', null));
  assertError(await adapter.recv(), 'Runtime.NotInitialized', 'early');
  adapter.send(initMsg('handler.js:echo'));
  assert.equal((await adapter.recv()).type, 'initialized');
});

test('shutdown exits 0', async (t) => {
  const adapter = await started(t, 'handler.js:echo');
  adapter.send({ type: 'shutdown' });
  assert.equal(await adapter.wait(), 0);
});

test('EOF on stdin exits 0, even as a stem cell', async (t) => {
  const adapter = await start(t);
  adapter.proc.stdin.end();
  assert.equal(await adapter.wait(), 0);
});

test('process.exit in a handler is Runtime.ExitError and exits 1', async (t) => {
  const adapter = await started(t, 'handler.js:exits');
  adapter.send(invokeMsg('x', null));
  assertError(await adapter.recv(), 'Runtime.ExitError', 'x');
  assert.equal(await adapter.wait(), 1);
});

test('an uncaught exception fails the invocation in flight and exits 1', async (t) => {
  const adapter = await started(t, 'handler.js:throwsLater');
  adapter.send(invokeMsg('late', null));
  assert.match(assertError(await adapter.recv(), 'SyntaxError', 'late').message, /thrown from a timer/);
  assert.equal(await adapter.wait(), 1);
});

test('one-shot exits 0 after the first reply', async (t) => {
  for (const options of [{ args: ['--one-shot'] }, { env: { ORCHESTRATOR_ONE_SHOT: '1' } }]) {
    const adapter = await started(t, 'handler.js:fail', options);
    adapter.send(invokeMsg('once', null));
    assertError(await adapter.recv(), 'CardDeclined', 'once');
    assert.equal(await adapter.wait(), 0);
  }
});
