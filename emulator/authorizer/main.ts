/**
 * The emulator's authorizer: a process beside the Python emulator, which it starts and talks to over
 * stdin/stdout, one JSON object per line: `{"id": 1, "checks": [Check…]}` in, `{"id": 1, "decisions":
 * [Decision…]}` out (evaluate.ts). Decisions are cached by their whole input: a plan repeats the same
 * describes thousands of times, and a policy that changes changes the key.
 */
import { createInterface } from 'node:readline';
import { decide, type Check, type Decision } from './evaluate.js';

const CACHE_LIMIT = 50_000;
const cache = new Map<string, Decision>();

async function cached(check: Check): Promise<Decision> {
  const key = JSON.stringify(check);
  const hit = cache.get(key);
  if (hit) return hit;
  const decision = await decide(check).catch((error: unknown): Decision => ({
    allowed: false,
    reason: 'model',
    detail: `authorizer failed: ${String(error)}`,
  }));
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, decision);
  return decision;
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
const pending = new Set<Promise<void>>();
lines.on('line', (line) => {
  if (!line.trim()) return;
  let request: { id: number; checks: Check[] };
  try {
    request = JSON.parse(line) as { id: number; checks: Check[] };
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: -1, error: `not JSON: ${String(error)}` })}\n`);
    return;
  }
  const answered = Promise.all(request.checks.map(cached)).then((decisions) => {
    process.stdout.write(`${JSON.stringify({ id: request.id, decisions })}\n`);
  });
  pending.add(answered);
  void answered.finally(() => pending.delete(answered));
});
// The emulator closes stdin when it stops: answer what was asked, then go.
lines.on('close', () => void Promise.all(pending).then(() => process.exit(0)));
process.stdout.write(`${JSON.stringify({ id: 0, ready: true })}\n`);
