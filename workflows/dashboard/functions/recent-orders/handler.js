'use strict';
// recent-orders: a deterministic stand-in for an order backend.
async function handle(payload) {
  const count = Math.max(0, Math.min(Number(payload.limit ?? 3), 10));
  const orders = Array.from({ length: count }, (_, i) => ({
    id: `O-${payload.userId}-${i + 1}`,
    amount: Math.round(((payload.userId * 7 + i * 13) % 90) + 10),
  }));
  return { orders, total: orders.reduce((sum, o) => sum + o.amount, 0) };
}
module.exports = { handle };
