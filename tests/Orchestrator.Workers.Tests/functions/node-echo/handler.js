'use strict';
exports.handle = async (payload) => {
  console.log('node says hi to stdout');
  process.stdout.write('node writes to process.stdout\n');
  if (payload && payload.uncaught) {
    // Node treats an uncaught exception as fatal: the adapter fails this invocation with it, then exits 1.
    setImmediate(() => { throw new Error('boom'); });
    return new Promise(() => {});
  }
  const names = (payload && payload.env) || [];
  return { echo: payload, pid: process.pid, env: Object.fromEntries(names.map((n) => [n, process.env[n] ?? null])) };
};
