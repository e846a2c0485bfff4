'use strict';
// Orchestrator runtime adapter for Node.js, protocol v1 (see ../PROTOCOL.md).
// Standard library only, CommonJS. NDJSON commands arrive on stdin, replies leave on stdout, and
// stderr belongs to the user's logs. Usage: node adapter.js [--one-shot]

const fs = require('fs');
const path = require('path');

// Before any user code exists, hide the real stdout. Redefining the getter before anything has
// touched process.stdout means Node never wraps fd 1 in a non-blocking libuv stream: the protocol
// writes fd 1 synchronously (ordered, complete, and still possible inside an 'exit' listener),
// while console.log, process.stdout.write and anything that looks process.stdout up get stderr.
// Not covered: a child process spawned with stdio 'inherit' still gets the real fd 1.
Object.defineProperty(process, 'stdout', { configurable: true, enumerable: true, get: () => process.stderr });

const PROTOCOL = 1;
const oneShot = process.argv.includes('--one-shot') || process.env.ORCHESTRATOR_ONE_SHOT === '1';
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let handler = null;     // the user's function, once initialized
let functionName = null;
let pending = null;     // what the host is waiting for if the process dies now: {phase:'init'} or {id}
let lastId = null;      // the most recent invocation, for logs written between invocations

function writeLine(text) {
  const buf = Buffer.from(text + '\n', 'utf8');
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off);
    } catch (err) {
      // Only if the host handed us a non-blocking pipe: wait a millisecond and retry.
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
}

const send = (msg) => writeLine(typeof msg === 'string' ? msg : JSON.stringify(msg));
const shape = (type, message, stack = '', retryable = false) => ({ type, message, stack, retryable });
const bad = (id, message) => ({ type: 'error', ...(id === null ? {} : { id }), error: shape('Runtime.BadMessage', message) });
const msSince = (t0) => Math.round(Number(process.hrtime.bigint() - t0) / 1e3) / 1e3;

// A thrown value may be anything. Errors keep their class: err.name when it was set, else the
// constructor's name (so `class MailError extends Error {}` reports "MailError").
function userError(err, retryable = true) {
  if (err !== null && typeof err === 'object' && typeof err.message === 'string') {
    const type = typeof err.name === 'string' && err.name !== 'Error' ? err.name
      : (err.constructor && err.constructor !== Object && err.constructor.name) || 'Error';
    return shape(type, err.message, String(err.stack || ''), retryable && err.retryable !== false);
  }
  return shape('Error', typeof err === 'string' ? err : `non-error thrown: ${String(err)}`, '', retryable);
}

function failInit(type, message, stack = '') {
  pending = null;
  send({ type: 'error', phase: 'init', error: shape(type, message, stack) });
  process.exit(1);
}

async function init(msg) {
  if (handler !== null) return send(bad(null, `already initialized as ${functionName}; start a new process`));
  const t0 = process.hrtime.bigint();
  const { function: fn, root, handler: spec } = msg;
  const env = msg.env === undefined ? {} : msg.env;
  if (typeof fn !== 'string' || typeof root !== 'string' || typeof spec !== 'string'
      || env === null || typeof env !== 'object' || Array.isArray(env)) {
    return failInit('Runtime.BadMessage', 'init needs string function, root, handler and an object env');
  }
  const colon = spec.indexOf(':'); // split at the first colon, like every adapter
  const file = spec.slice(0, colon);
  const name = spec.slice(colon + 1);
  if (colon < 1 || name === '') return failInit('Runtime.HandlerNotFound', `handler "${spec}" must look like "file.js:function"`);
  let absRoot;
  try {
    for (const [key, value] of Object.entries(env)) {
      if (value === null) delete process.env[key];
      else process.env[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
    absRoot = path.resolve(root);
    process.chdir(absRoot);
  } catch (err) {
    return failInit('Runtime.InitFailed', `cannot apply env/root: ${err.message}`);
  }
  const filePath = path.resolve(absRoot, file);
  if (!fs.existsSync(filePath)) return failInit('Runtime.HandlerNotFound', `handler file ${filePath} does not exist`);
  let mod;
  pending = { phase: 'init' };
  try {
    try {
      mod = require(filePath);
    } catch (err) {
      // ES modules (.mjs, or "type": "module") cannot be required in Node 20: import them instead.
      if (err.code !== 'ERR_REQUIRE_ESM') throw err;
      mod = await import(require('url').pathToFileURL(filePath).href);
    }
  } catch (err) {
    const e = userError(err, false);
    return failInit(e.type, e.message, e.stack);
  }
  pending = null;
  const fnValue = mod == null ? undefined : mod[name];
  if (typeof fnValue !== 'function') return failInit('Runtime.HandlerNotFound', `${filePath} exports no function "${name}"`);
  handler = fnValue;
  functionName = fn;
  send({ type: 'initialized', ms: msSince(t0) });
}

// Returns the reply: an object, or an already serialized result line (the output is encoded once).
async function invoke(msg, id) {
  if (id === null) return bad(null, 'invoke needs a string "id"');
  if (handler === null) return { type: 'error', id, error: shape('Runtime.NotInitialized', 'invoke before init') };
  if (!Object.prototype.hasOwnProperty.call(msg, 'payload')) return bad(id, 'invoke needs "payload"');
  const hostContext = msg.context !== null && typeof msg.context === 'object' ? msg.context : {};
  const context = { ...hostContext, invocationId: id, deadlineMs: msg.deadlineMs === undefined ? null : msg.deadlineMs };
  const t0 = process.hrtime.bigint();
  let output;
  pending = { id };
  try {
    output = await handler(msg.payload, context); // a plain value or a Promise
  } catch (err) {
    return { type: 'error', id, error: userError(err) };
  } finally {
    pending = null;
    lastId = id;
  }
  const ms = msSince(t0);
  let json;
  try {
    json = JSON.stringify(output === undefined ? null : output);
  } catch (err) { // BigInt, cycles, a throwing toJSON
    return { type: 'error', id, error: shape('Runtime.OutputNotSerializable', `${err.name}: ${err.message}`) };
  }
  if (json === undefined) { // a function or a symbol: JSON.stringify would silently drop it
    return { type: 'error', id, error: shape('Runtime.OutputNotSerializable', `cannot encode a ${typeof output}`) };
  }
  return `{"type":"result","id":${JSON.stringify(id)},"output":${json},"ms":${ms}}`;
}

async function handle(line) {
  const text = line.toString('utf8');
  if (!/\S/.test(text)) return; // blank lines are ignored
  let msg;
  try {
    msg = JSON.parse(text);
  } catch (err) {
    return send(bad(null, `line is not JSON: ${err.message}`));
  }
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return send(bad(null, 'a message must be a JSON object'));
  const id = typeof msg.id === 'string' ? msg.id : null;
  switch (msg.type) {
    case 'init': return init(msg);
    case 'invoke':
      send(await invoke(msg, id));
      if (oneShot && id !== null) process.exit(0);
      return;
    case 'shutdown': return process.exit(0);
    default: return send(bad(id, `unknown message type ${JSON.stringify(msg.type)}`));
  }
}

// The handler ended the process (process.exit) while the host waits for a reply: tell it why.
process.on('exit', () => {
  if (pending === null) return;
  const error = shape('Runtime.ExitError', 'process.exit() called by the function', '', pending.id !== undefined);
  const reply = pending.id !== undefined ? { type: 'error', id: pending.id, error } : { type: 'error', phase: 'init', error };
  pending = null;
  process.exitCode = 1;
  send(reply);
});

// As in Node itself, an uncaught exception or unhandled rejection leaves the process in an unknown
// state: fail the invocation in flight with it (rather than leave the host waiting for its
// deadline), or log it with the last invocation id, then exit 1 so the host recycles the process.
process.on('uncaughtException', (err) => {
  const inFlight = pending;
  pending = null;
  try {
    const error = userError(err, inFlight !== null && inFlight.id !== undefined);
    if (inFlight !== null && inFlight.id !== undefined) send({ type: 'error', id: inFlight.id, error });
    else if (inFlight !== null) send({ type: 'error', phase: 'init', error });
    else process.stderr.write(JSON.stringify({ level: 'error', event: 'adapter.uncaught_exception', id: lastId, error }) + '\n');
  } finally {
    process.exit(1); // even when the host's pipe is gone (EPIPE) and the report could not be sent
  }
});

// Lines are cut from raw chunks and joined once per line (Buffer.concat): linear for any length.
// Messages are handled strictly one after another, each to completion, EOF included.
const queue = [];
let parts = [];
let busy = false;

async function pump() {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const line = queue.shift();
    if (line === null) process.exit(0); // EOF: the host closed stdin
    await handle(line);
  }
  busy = false;
}

process.stdin.on('data', (chunk) => {
  let start = 0;
  let nl;
  while ((nl = chunk.indexOf(10, start)) !== -1) {
    parts.push(chunk.subarray(start, nl));
    queue.push(parts.length === 1 ? parts[0] : Buffer.concat(parts));
    parts = [];
    start = nl + 1;
  }
  if (start < chunk.length) parts.push(chunk.subarray(start));
  pump();
});
process.stdin.on('end', () => {
  if (parts.length > 0) queue.push(Buffer.concat(parts)); // a last line without its newline
  parts = [];
  queue.push(null);
  pump();
});

send({ type: 'ready', protocol: PROTOCOL, runtime: 'node', version: process.versions.node, pid: process.pid });
