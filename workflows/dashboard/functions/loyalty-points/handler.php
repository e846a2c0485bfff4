<?php
// loyalty-points: a deterministic stand-in for a loyalty backend.
function handle(array $payload, array $context): array
{
    $points = ($payload['userId'] * 137) % 5000;
    $tier = $points >= 3000 ? 'gold' : ($points >= 1000 ? 'silver' : 'bronze');
    return ['points' => $points, 'tier' => $tier];
}
