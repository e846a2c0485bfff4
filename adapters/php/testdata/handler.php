<?php
// Test handlers for the PHP adapter: each one exercises one protocol behaviour.

require_once __DIR__ . '/helper.php'; // a sibling file

$GLOBALS['loadedCwd'] = getcwd();

class CardDeclined extends RuntimeException
{
}

class NotWorthRetrying extends Exception
{
    public bool $retryable = false;
}

final class Mailer
{
    public static function handle(array $payload, array $context): array
    {
        return ['static' => true, 'payload' => $payload];
    }
}

function echo_payload(mixed $payload, array $context): mixed
{
    return $payload;
}

function context_echo(mixed $payload, array $context): array
{
    return ['context' => $context, 'cwd' => $GLOBALS['loadedCwd']];
}

function fail(mixed $payload, array $context): never
{
    throw new CardDeclined("card declined: $payload");
}

function fail_type(mixed $payload, array $context): int
{
    return strlen([]); // TypeError
}

function fail_final(mixed $payload, array $context): never
{
    throw new NotWorthRetrying('permanent');
}

function noisy(mixed $payload, array $context): string
{
    echo "echo from handler\n";
    print "print from handler\n";
    printf("printf from %s\n", 'handler');
    fwrite(fopen('php://stdout', 'w'), "php://stdout from handler\n");
    system('echo child process output');
    trigger_error('warning from handler', E_USER_WARNING);
    return 'quiet result';
}

function nan(mixed $payload, array $context): array
{
    return ['x' => NAN];
}

function bad_utf8(mixed $payload, array $context): string
{
    return "\xff\xfe";
}

function env(array $names, array $context): array
{
    $out = [];
    foreach ($names as $name) {
        $out[$name] = getenv($name) === false ? null : getenv($name);
    }
    return $out;
}

function exits(mixed $payload, array $context): void
{
    exit(0);
}

function exhausts_memory(mixed $payload, array $context): void
{
    ini_set('memory_limit', '32M');
    $hog = [];
    while (true) {
        $hog[] = str_repeat('x', 1 << 20);
    }
}

function helper_value(mixed $payload, array $context): string
{
    return helper_value_from_sibling();
}

function empty_object(mixed $payload, array $context): object
{
    return new stdClass();
}

function send(mixed $payload, array $context): string
{
    return 'a user function named like the adapter\'s own';
}
