'use strict';
// audit-log: appends one JSON line per event to $AUDIT_LOG (default: <tmp>/orchestrator-audit.jsonl).
const fs = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');

async function handle(payload, context) {
  const file = process.env.AUDIT_LOG || path.join(os.tmpdir(), 'orchestrator-audit.jsonl');
  const record = { id: crypto.randomUUID(), at: new Date().toISOString(), runId: context.runId, ...payload };
  await fs.appendFile(file, JSON.stringify(record) + '\n');
  console.log(`audited ${payload.event} for ${payload.user}`); // the step's log
  return { id: record.id, file };
}

module.exports = { handle };
