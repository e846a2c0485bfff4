<?php
function handle($payload, array $context)
{
    $hoard = [];
    for (;;) {
        $hoard[] = str_repeat('x', 1 << 20);
    }
}
