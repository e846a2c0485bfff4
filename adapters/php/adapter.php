<?php
// Orchestrator runtime adapter for PHP, protocol v1 (see ../PROTOCOL.md).
// php-cli only, no extensions or Composer. NDJSON commands arrive on stdin, replies leave on
// stdout, and stderr belongs to the user's logs. Usage: php adapter.php [--one-shot]
//
// Everything lives in a namespace so that a user's global function (say `send`) cannot collide
// with ours. No strict_types: calls into the handler follow PHP's default coercion rules.

namespace Orchestrator\Adapter;

const PROTOCOL = 1;
const DEPTH = 4096;
const JSON_OUT = \JSON_THROW_ON_ERROR | \JSON_UNESCAPED_SLASHES | \JSON_UNESCAPED_UNICODE | \JSON_PRESERVE_ZERO_FRACTION;

final class State
{
    /** @var resource */ public static $in;
    /** @var resource */ public static $out;
    /** @var resource|null these two keep fd 1 on stderr and fd 0 on /dev/null while the process lives */
    public static $userOut = null;
    public static $userIn = null;
    public static ?\Closure $handler = null;
    public static ?string $function = null;
    /** What the host is waiting for if the process dies now: ['phase' => 'init'] or ['id' => ...]. */
    public static ?array $pending = null;
}

// Before any user code exists, take fd 0 and fd 1 away from it. The CLI already opened both for
// STDIN/STDOUT, so these fopen() calls return private dups. Closing STDOUT frees fd 1, and the next
// descriptor opened (a dup of stderr) takes that lowest free number: echo, print, warnings and
// child processes (system, proc_open) then all write to stderr. (Release builds only: a debug build
// keeps the CLI's fd 1 open on fclose; the tests catch that.) Likewise fd 0 becomes /dev/null
// so nothing the user reads can swallow a protocol line. Cost: the STDOUT/STDIN constants are
// closed, so fwrite(STDOUT, ...) in user code fails; fopen('php://stdout') still works (stderr).
// Warnings go to stderr exactly once: with no error_log set, PHP's own log already writes there.
\ini_set('display_errors', \ini_get('log_errors') && \ini_get('error_log') === '' ? '0' : 'stderr');
State::$in = \fopen('php://stdin', 'rb');
State::$out = \fopen('php://stdout', 'wb');
\fclose(\STDOUT);
State::$userOut = \fopen('php://stderr', 'wb');
\fclose(\STDIN);
State::$userIn = \fopen('/dev/null', 'rb');
// An ini output_buffering would hold the function's echo back until exit: log lines must flow now.
while (\ob_get_level() > 0) {
    \ob_end_flush();
}

function send(string $line): void
{
    $line .= "\n";
    for ($done = 0, $len = \strlen($line); $done < $len; $done += $n) {
        $n = \fwrite(State::$out, $done === 0 ? $line : \substr($line, $done));
        if ($n === false || $n === 0) {
            exit(1); // the host is gone
        }
    }
    \fflush(State::$out);
}

function shape(string $type, string $message, string $stack = '', bool $retryable = false): array
{
    return ['type' => $type, 'message' => $message, 'stack' => $stack, 'retryable' => $retryable];
}

function reply(array $msg): string
{
    return \json_encode($msg, JSON_OUT);
}

function bad(?string $id, string $message): string
{
    return reply(['type' => 'error'] + ($id === null ? [] : ['id' => $id]) + ['error' => shape('Runtime.BadMessage', $message)]);
}

/** User errors keep their class; an exception may opt out of retries with a `$retryable = false` property. */
function userError(\Throwable $e, bool $retryable = true): array
{
    $type = \get_class($e);
    $stack = "$type: {$e->getMessage()} in {$e->getFile()}:{$e->getLine()}\n{$e->getTraceAsString()}";
    $optOut = \property_exists($e, 'retryable') && $e->retryable === false;
    return shape($type, $e->getMessage(), $stack, $retryable && !$optOut);
}

function failInit(array $error): never
{
    State::$pending = null;
    send(reply(['type' => 'error', 'phase' => 'init', 'error' => $error]));
    exit(1);
}

// JSON objects arrive as associative arrays, so `{}` and `[]` both become [] and would both go
// back as []. Only when that ambiguity can matter (the output has an empty array and the line had
// an empty object) do we pay for a second, object-preserving decode of the payload, and encode an
// empty array as {} where the payload had {} at the same path (see PROTOCOL.md).
function encodeOutput(mixed $output, string $line): string
{
    $json = \json_encode($output, JSON_OUT, DEPTH);
    if (!\str_contains($json, '[]') || \preg_match('/\{\s*\}/', $line) !== 1) {
        return $json;
    }
    try {
        $marks = emptyObjects(\json_decode($line, false, DEPTH, \JSON_THROW_ON_ERROR)->payload);
    } catch (\JsonException) {
        return $json; // e.g. a key "\u0000x" cannot be an object property: keep the plain encoding
    }
    return $marks === null ? $json : \json_encode(restore($output, $marks), JSON_OUT, DEPTH);
}

/** Where $value has empty objects: true for one, a tree of keys leading to them, or null. */
function emptyObjects(mixed $value): array|bool|null
{
    if ($value instanceof \stdClass) {
        $value = (array) $value;
        if ($value === []) {
            return true;
        }
    } elseif (!\is_array($value)) {
        return null;
    }
    $marks = null;
    foreach ($value as $key => $item) {
        if (\is_object($item) || \is_array($item)) {
            $mark = emptyObjects($item);
            if ($mark !== null) {
                $marks[$key] = $mark;
            }
        }
    }
    return $marks;
}

function restore(mixed $value, array|bool $marks): mixed
{
    if ($marks === true) {
        return $value === [] ? new \stdClass() : $value;
    }
    if (\is_array($value)) {
        foreach ($marks as $key => $mark) {
            if (\array_key_exists($key, $value)) {
                $value[$key] = restore($value[$key], $mark);
            }
        }
    }
    return $value;
}

function init(array $msg): void
{
    if (State::$handler !== null) {
        send(bad(null, 'already initialized as ' . State::$function . '; start a new process'));
        return;
    }
    $t0 = \hrtime(true);
    [$function, $root, $spec, $env] = [$msg['function'] ?? null, $msg['root'] ?? null, $msg['handler'] ?? null, $msg['env'] ?? []];
    if (!\is_string($function) || !\is_string($root) || !\is_string($spec) || !\is_array($env)) {
        failInit(shape('Runtime.BadMessage', 'init needs string function, root, handler and an object env'));
    }
    $colon = \strpos($spec, ':'); // the first colon, so "file.php:App\Mailer::handle" works
    if ($colon === false || $colon === 0 || $colon === \strlen($spec) - 1) {
        failInit(shape('Runtime.HandlerNotFound', "handler \"$spec\" must look like \"file.php:function\""));
    }
    [$file, $name] = [\substr($spec, 0, $colon), \substr($spec, $colon + 1)];
    foreach ($env as $key => $value) {
        $value = \is_string($value) || $value === null ? $value : \json_encode($value);
        \putenv($value === null ? "$key" : "$key=$value"); // getenv() reads this
        if ($value === null) {
            unset($_ENV[$key], $_SERVER[$key]);
        } else {
            $_ENV[$key] = $_SERVER[$key] = $value; // and libraries that read the superglobals
        }
    }
    if (!@\chdir($root)) {
        failInit(shape('Runtime.InitFailed', "cannot change directory to $root"));
    }
    $path = $file[0] === '/' ? $file : \getcwd() . '/' . $file;
    if (!\is_file($path)) {
        failInit(shape('Runtime.HandlerNotFound', "handler file $path does not exist"));
    }
    State::$pending = ['phase' => 'init'];
    try {
        require_once $path;
    } catch (\Throwable $e) { // ParseError, or anything the file throws at load time
        failInit(userError($e, false));
    }
    State::$pending = null;
    // A function name ("handle", "App\handle") or a static method ("App\Mailer::handle").
    if (!\is_callable($name)) {
        failInit(shape('Runtime.HandlerNotFound', "$path defines no function $name"));
    }
    State::$handler = \Closure::fromCallable($name);
    State::$function = $function;
    send(reply(['type' => 'initialized', 'ms' => \round((\hrtime(true) - $t0) / 1e6, 3)]));
}

function invoke(array $msg, ?string $id, string $line): string
{
    if ($id === null) {
        return bad(null, 'invoke needs a string "id"');
    }
    if (State::$handler === null) {
        return reply(['type' => 'error', 'id' => $id, 'error' => shape('Runtime.NotInitialized', 'invoke before init')]);
    }
    if (!\array_key_exists('payload', $msg)) {
        return bad($id, 'invoke needs "payload"');
    }
    $context = \is_array($msg['context'] ?? null) ? $msg['context'] : [];
    $context['invocationId'] = $id;
    $context['deadlineMs'] = $msg['deadlineMs'] ?? null;
    State::$pending = ['id' => $id];
    $t0 = \hrtime(true);
    try {
        $output = (State::$handler)($msg['payload'], $context);
    } catch (\Throwable $e) {
        return reply(['type' => 'error', 'id' => $id, 'error' => userError($e)]);
    } finally {
        State::$pending = null;
        while (\ob_get_level() > 0) {
            \ob_end_flush(); // buffers the function left open: their text belongs to this invocation's log
        }
    }
    $ms = \round((\hrtime(true) - $t0) / 1e6, 3);
    try {
        $json = encodeOutput($output, $line);
    } catch (\JsonException $e) { // NAN/INF, invalid UTF-8, resources, too deep
        return reply(['type' => 'error', 'id' => $id, 'error' => shape('Runtime.OutputNotSerializable', $e->getMessage())]);
    }
    return '{"type":"result","id":' . \json_encode($id, JSON_OUT) . ',"output":' . $json . ',"ms":' . \json_encode($ms, JSON_OUT) . '}';
}

// The function called exit() or hit a fatal error (memory, time) while the host waits for a
// reply: tell the host why, then exit 1 so it recycles the process.
\register_shutdown_function(static function (): void {
    if (State::$pending === null) {
        return;
    }
    $last = \error_get_last();
    $fatal = $last !== null && ($last['type'] & (\E_ERROR | \E_CORE_ERROR | \E_COMPILE_ERROR | \E_USER_ERROR)) !== 0;
    $message = $fatal ? "PHP Fatal error: {$last['message']} in {$last['file']}:{$last['line']}" : 'exit() called by the function';
    $isInvoke = isset(State::$pending['id']);
    $error = shape('Runtime.ExitError', $message, '', $isInvoke);
    send(reply(['type' => 'error'] + ($isInvoke ? ['id' => State::$pending['id']] : ['phase' => 'init']) + ['error' => $error]));
    exit(1);
});

$oneShot = \in_array('--one-shot', \array_slice($_SERVER['argv'] ?? [], 1), true) || \getenv('ORCHESTRATOR_ONE_SHOT') === '1';
$version = \PHP_MAJOR_VERSION . '.' . \PHP_MINOR_VERSION . '.' . \PHP_RELEASE_VERSION;
send(reply(['type' => 'ready', 'protocol' => PROTOCOL, 'runtime' => 'php', 'version' => $version, 'pid' => \getmypid()]));

// fgets() without a length reads a whole line of any size; a 1 MiB chunk size keeps big lines to
// few reads and reallocations.
\stream_set_chunk_size(State::$in, 1 << 20);
while (($line = \fgets(State::$in)) !== false) {
    if (\strspn($line, " \t\r\n") === \strlen($line)) {
        continue; // blank lines are ignored
    }
    try {
        $msg = \json_decode($line, true, DEPTH, \JSON_THROW_ON_ERROR);
    } catch (\JsonException $e) { // also invalid UTF-8
        send(bad(null, 'line is not JSON: ' . $e->getMessage()));
        continue;
    }
    if (!\is_array($msg) || (\array_is_list($msg) && $msg !== [])) {
        send(bad(null, 'a message must be a JSON object'));
        continue;
    }
    $id = \is_string($msg['id'] ?? null) ? $msg['id'] : null;
    switch ($msg['type'] ?? null) {
        case 'init':
            init($msg);
            break;
        case 'invoke':
            send(invoke($msg, $id, $line));
            if ($oneShot && $id !== null) {
                exit(0);
            }
            break;
        case 'shutdown':
            exit(0);
        default:
            send(bad($id, 'unknown message type ' . \json_encode($msg['type'] ?? null)));
    }
}
exit(0); // EOF: the host closed stdin
