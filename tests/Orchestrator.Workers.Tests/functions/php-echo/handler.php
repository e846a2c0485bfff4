<?php
function handle($payload, array $context)
{
    echo "php says hi to stdout\n";
    print("php prints without a newline");
    $names = is_array($payload) ? ($payload['env'] ?? []) : [];
    $env = [];
    foreach ($names as $name) {
        $env[$name] = getenv($name) === false ? null : getenv($name);
    }
    return ['echo' => $payload, 'pid' => getmypid(), 'env' => (object) $env];
}
