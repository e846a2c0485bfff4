// An ES module handler: Node 20 cannot require() it, so the adapter imports it.
export async function handle(payload) {
  return { esm: true, payload };
}
