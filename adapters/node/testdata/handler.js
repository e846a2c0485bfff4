'use strict';
// Test handlers for the Node adapter: each one exercises one protocol behaviour.
const helper = require('./helper'); // a sibling module, resolved from the function's root

const loadedCwd = process.cwd();

class CardDeclined extends Error {}
class NotWorthRetrying extends Error {
  constructor(message) { super(message); this.retryable = false; }
}

exports.echo = (payload) => payload;
exports.asyncEcho = async (payload) => {
  await new Promise((resolve) => setTimeout(resolve, 10));
  return { async: true, payload };
};
exports.promiseEcho = (payload) => Promise.resolve({ promise: true, payload });
exports.contextEcho = (payload, context) => ({ context, cwd: loadedCwd });
exports.fail = (payload) => { throw new CardDeclined(`card declined: ${payload}`); };
exports.failType = () => null.property;
exports.failFinal = () => { throw new NotWorthRetrying('permanent'); };
exports.rejects = async () => { throw new RangeError('async failure'); };
exports.throwsString = () => { throw 'just a string'; };
exports.noisy = () => {
  console.log('console.log from handler');
  console.info('console.info from handler');
  process.stdout.write('process.stdout.write from handler\n');
  return 'quiet result';
};
exports.bigint = () => ({ n: 10n });
exports.circular = () => { const o = {}; o.self = o; return o; };
exports.returnsFunction = () => () => 1;
exports.returnsUndefined = () => undefined;
exports.env = (names) => Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]));
exports.exits = () => { process.exit(0); };
exports.throwsLater = () => new Promise(() => { setTimeout(() => { throw new SyntaxError('thrown from a timer'); }, 5); });
exports.helperValue = () => helper.value;
exports.notCallable = 42;
