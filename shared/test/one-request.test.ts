import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SCANNED = ['server', 'tools', 'bench', 'desktop', 'e2e', 'shared/src', 'test-support'];
/**
 * The one place a client emits with an ack, the one place the server asks a client for one (a
 * phone acknowledging `call:cancelled`), and the Swift companion's bridge, which carries the Swift
 * app's own requests as socket.io-client-swift makes them (`emitWithAck(…).timingOut(after:)`, a
 * missing ack reaching Swift as "NO ACK", not as request()'s UNAVAILABLE): it must add nothing.
 */
const ALLOWED = new Set([
  'shared/src/request.ts',
  'server/src/gateways/acks.ts',
  'tools/swift-companion/src/bridge.ts',
]);

/** An emit that expects an ack: `emitWithAck`, `.timeout(…).emit`, or an emit given a callback. */
const RAW_ACK = [/\bemitWithAck\s*\(/, /\.timeout\([^)]*\)\s*\.emit\b/, /\.emit\([^;]*?(=>|\bfunction\b)/s];

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.(ts|tsx)$/.test(entry.name)) yield full;
  }
}

describe('every client request goes through the typed request()', () => {
  it('finds no raw emit with an ack outside shared/src/request.ts', () => {
    const offenders: string[] = [];
    for (const top of SCANNED) {
      let files: string[];
      try {
        files = [...sources(path.join(ROOT, top))];
      } catch {
        continue; // a folder this checkout does not have yet
      }
      for (const file of files) {
        const rel = path.relative(ROOT, file);
        // Tests may hand-craft what no client would send (a request without a payload, say).
        if (ALLOWED.has(rel) || /\.test\.tsx?$/.test(rel)) continue;
        const text = readFileSync(file, 'utf8');
        for (const pattern of RAW_ACK) if (pattern.test(text)) offenders.push(`${rel} (${pattern.source})`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
