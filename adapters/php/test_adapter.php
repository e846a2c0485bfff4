<?php
// Protocol v1 tests for the PHP adapter, driving the real interpreter the way the host does.
// A plain script: prints one line per test, then "N passed, M failed", and exits 1 on any failure.

require __DIR__ . '/test_harness.php';

$tests = [];

$tests['ready line names runtime, version and pid'] = function (): void {
    $adapter = new Adapter();
    $version = PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION . '.' . PHP_RELEASE_VERSION;
    same(['type' => 'ready', 'protocol' => 1, 'runtime' => 'php', 'version' => $version, 'pid' => $adapter->pid], $adapter->recv());
};

$tests['init loads the handler and reports ms'] = function (): void {
    $adapter = start();
    $adapter->send(init_msg('handler.php:echo_payload'));
    $reply = $adapter->recv();
    same('initialized', $reply['type']);
    check(is_float($reply['ms']) || is_int($reply['ms']), 'ms is a number');
};

$tests['init with a missing file is Runtime.HandlerNotFound and exits 1'] = function (): void {
    $adapter = start();
    $adapter->send(init_msg('nope.php:handle'));
    $reply = $adapter->recv();
    same('init', $reply['phase']);
    same(false, error_of($reply, 'Runtime.HandlerNotFound')['retryable']);
    same(1, $adapter->wait());
};

$tests['init with a missing function is Runtime.HandlerNotFound and exits 1'] = function (): void {
    foreach (['handler.php:missing', 'handler.php:Mailer::missing', 'handler.php'] as $spec) {
        $adapter = start();
        $adapter->send(init_msg($spec));
        error_of($adapter->recv(), 'Runtime.HandlerNotFound');
        same(1, $adapter->wait(), $spec);
    }
};

$tests['init of a file that throws or does not parse reports its class and exits 1'] = function (): void {
    foreach (['broken.php:handle' => 'LogicException', 'syntax_error.php:handle' => 'ParseError'] as $spec => $type) {
        $adapter = start();
        $adapter->send(init_msg($spec));
        $error = error_of($adapter->recv(), $type);
        check(str_contains($error['stack'], explode(':', $spec)[0]), 'stack names the file');
        same(1, $adapter->wait());
    }
};

$tests['init with a bad root is Runtime.InitFailed'] = function (): void {
    $adapter = start();
    $adapter->send(init_msg('handler.php:echo_payload', [], TESTDATA . '/no-such-dir'));
    error_of($adapter->recv(), 'Runtime.InitFailed');
    same(1, $adapter->wait());
};

$tests['init sets cwd to root and a second init is refused'] = function (): void {
    $adapter = started('handler.php:context_echo');
    $adapter->send(invoke_msg('1', null));
    same(TESTDATA, $adapter->recv()['output']['cwd']);
    $adapter->send(init_msg('handler.php:echo_payload'));
    error_of($adapter->recv(), 'Runtime.BadMessage');
};

$tests['invoke of a function returns its output'] = function (): void {
    $adapter = started('handler.php:echo_payload');
    $adapter->send('{"type":"invoke","id":"a1","payload":{"x":[1,2.5,"ü",null,true],"y":1.0},"deadlineMs":null}' . "\n");
    $line = $adapter->recvLine();
    check(str_contains($line, '"output":{"x":[1,2.5,"ü",null,true],"y":1.0}'), "floats stay floats: $line");
    $reply = json_decode($line, true);
    same(['result', 'a1'], [$reply['type'], $reply['id']]);
    check(is_float($reply['ms']) || is_int($reply['ms']), 'ms is a number');
};

$tests['a static method can be the handler'] = function (): void {
    $adapter = started('handler.php:Mailer::handle');
    $adapter->send(invoke_msg('s', ['to' => 'a@b.c']));
    same(['static' => true, 'payload' => ['to' => 'a@b.c']], $adapter->recv()['output']);
};

$tests['a user function may share a name with the adapter internals'] = function (): void {
    $adapter = started('handler.php:send');
    $adapter->send(invoke_msg('n', null));
    same("a user function named like the adapter's own", $adapter->recv()['output']);
};

$tests['empty objects and empty lists keep their JSON shape'] = function (): void {
    $adapter = started('handler.php:echo_payload');
    $cases = ['{}', '[]', '{"a":{},"b":[],"c":[{},[]],"d":{"e":{}}}', '{ "spaced": { } }', '"{}"', '{"s":"{}[]","l":[]}'];
    foreach ($cases as $i => $payload) {
        $adapter->send('{"type":"invoke","id":"' . $i . '","payload":' . $payload . '}' . "\n");
        $expected = str_replace(' ', '', $payload);
        check(str_contains($adapter->recvLine(), '"output":' . $expected . ','), "$payload round-trips");
    }
    $adapter = started('handler.php:empty_object');
    $adapter->send(invoke_msg('o', []));
    check(str_contains($adapter->recvLine(), '"output":{}'), 'stdClass encodes as {}');
};

$tests['context carries host fields, invocation id and deadline'] = function (): void {
    $adapter = started('handler.php:context_echo');
    $adapter->send(invoke_msg('c1', null, ['deadlineMs' => 1893456000000, 'context' => ['runId' => 'r1', 'step' => 'score', 'attempt' => 2, 'function' => 'test-fn']]));
    same(['runId' => 'r1', 'step' => 'score', 'attempt' => 2, 'function' => 'test-fn', 'invocationId' => 'c1', 'deadlineMs' => 1893456000000], $adapter->recv()['output']['context']);
};

$tests['handler exception is reported with class and stack, and the process serves the next invoke'] = function (): void {
    $adapter = started('handler.php:fail');
    $adapter->send(invoke_msg('e1', 'x'));
    $error = error_of($adapter->recv(), 'CardDeclined', 'e1');
    same('card declined: x', $error['message']);
    same(true, $error['retryable']);
    check(str_contains($error['stack'], 'handler.php:'), 'stack names the handler file');
    $adapter->send(invoke_msg('e2', 'y'));
    error_of($adapter->recv(), 'CardDeclined', 'e2');
};

$tests['engine errors keep their class name'] = function (): void {
    $adapter = started('handler.php:fail_type');
    $adapter->send(invoke_msg('t', null));
    error_of($adapter->recv(), 'TypeError', 't');
};

$tests['an exception may opt out of retries'] = function (): void {
    $adapter = started('handler.php:fail_final');
    $adapter->send(invoke_msg('f', null));
    same(false, error_of($adapter->recv(), 'NotWorthRetrying', 'f')['retryable']);
};

$tests['echo, print, warnings and child processes go to stderr and never corrupt stdout'] = function (): void {
    $adapter = started('handler.php:noisy');
    $adapter->send(invoke_msg('p', null));
    $reply = $adapter->recv();
    same(['result', 'p', 'quiet result'], [$reply['type'], $reply['id'], $reply['output']]);
    $adapter->send(['type' => 'shutdown']);
    same(null, $adapter->recvLine(), 'nothing else on stdout');
    same(0, $adapter->wait());
    $stderr = $adapter->stderr();
    foreach (['echo from handler', 'print from handler', 'printf from handler', 'php://stdout from handler', 'child process output', 'warning from handler'] as $text) {
        check(str_contains($stderr, $text), "stderr has '$text': $stderr");
    }
    same(1, substr_count($stderr, 'warning from handler'), 'a warning is written once');
};

$tests['a 5 MB payload round-trips'] = function (): void {
    $adapter = started('handler.php:echo_payload');
    $payload = ['blob' => str_repeat('x', 5 * 1024 * 1024), 'list' => range(0, 999), 'empty' => new stdClass()];
    $started = microtime(true);
    $adapter->send(invoke_msg('big', $payload));
    $line = $adapter->recvLine();
    same(json_encode($payload), substr($line, strpos($line, '"output":') + 9, strlen(json_encode($payload))));
    check(microtime(true) - $started < 10, 'fast enough');
};

$tests['a non-JSON line is Runtime.BadMessage and the adapter keeps going'] = function (): void {
    $adapter = started('handler.php:echo_payload');
    $adapter->send("this is not json\n");
    error_of($adapter->recv(), 'Runtime.BadMessage');
    $adapter->send("[1, 2]\n");
    error_of($adapter->recv(), 'Runtime.BadMessage');
    $adapter->send("\xff{}\n");
    error_of($adapter->recv(), 'Runtime.BadMessage');
    $adapter->send(['type' => 'invoke', 'id' => 'no-payload']);
    error_of($adapter->recv(), 'Runtime.BadMessage', 'no-payload');
    $adapter->send(['type' => 'bogus', 'id' => 'b']);
    error_of($adapter->recv(), 'Runtime.BadMessage', 'b');
    $adapter->send(invoke_msg('ok', 1));
    same(1, $adapter->recv()['output']);
};

$tests['unserialisable output is Runtime.OutputNotSerializable'] = function (): void {
    foreach (['handler.php:nan', 'handler.php:bad_utf8'] as $spec) {
        $adapter = started($spec);
        $adapter->send(invoke_msg('u', null));
        error_of($adapter->recv(), 'Runtime.OutputNotSerializable', 'u');
        $adapter->send(invoke_msg('u2', null)); // still alive
        error_of($adapter->recv(), 'Runtime.OutputNotSerializable', 'u2');
    }
};

$tests['env from init is visible to the handler'] = function (): void {
    $adapter = started('handler.php:env', ['SMTP_HOST' => '127.0.0.1', 'PORT' => 25]);
    $adapter->send(invoke_msg('env', ['SMTP_HOST', 'PORT', 'UNSET_VAR']));
    same(['SMTP_HOST' => '127.0.0.1', 'PORT' => '25', 'UNSET_VAR' => null], $adapter->recv()['output']);
};

$tests['sibling files load relative to the handler'] = function (): void {
    $adapter = started('handler.php:helper_value');
    $adapter->send(invoke_msg('h', null));
    same('from helper', $adapter->recv()['output']);
};

$tests['invoke before init is Runtime.NotInitialized and the stem cell stays usable'] = function (): void {
    $adapter = start();
    $adapter->send(invoke_msg('early', null));
    error_of($adapter->recv(), 'Runtime.NotInitialized', 'early');
    $adapter->send(init_msg('handler.php:echo_payload'));
    same('initialized', $adapter->recv()['type']);
};

$tests['shutdown exits 0'] = function (): void {
    $adapter = started('handler.php:echo_payload');
    $adapter->send(['type' => 'shutdown']);
    same(0, $adapter->wait());
};

$tests['EOF on stdin exits 0, even as a stem cell'] = function (): void {
    $adapter = start();
    $adapter->closeStdin();
    same(0, $adapter->wait());
};

$tests['exit() in a handler is Runtime.ExitError and exits 1'] = function (): void {
    $adapter = started('handler.php:exits');
    $adapter->send(invoke_msg('x', null));
    error_of($adapter->recv(), 'Runtime.ExitError', 'x');
    same(1, $adapter->wait());
};

$tests['a fatal error in a handler is Runtime.ExitError naming it, and exits 1'] = function (): void {
    $adapter = started('handler.php:exhausts_memory');
    $adapter->send(invoke_msg('m', null));
    check(str_contains(error_of($adapter->recv(), 'Runtime.ExitError', 'm')['message'], 'Allowed memory size'), 'names the fatal error');
    same(1, $adapter->wait());
};

$tests['one-shot exits 0 after the first reply'] = function (): void {
    foreach ([[['--one-shot'], []], [[], ['ORCHESTRATOR_ONE_SHOT' => '1']]] as [$args, $env]) {
        $adapter = started('handler.php:fail', [], $args, $env);
        $adapter->send(invoke_msg('once', null));
        error_of($adapter->recv(), 'CardDeclined', 'once');
        same(0, $adapter->wait());
    }
};

run_tests($tests);
