/**
 * The broker attack, bounded: a few fuzzed messages of every class onto every consumer queue of a
 * platform of its own (own vhost, users and databases, removed after). The full run is
 * `pnpm exec node scripts/attack/broker.ts --count 10000`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_CLASSES, type AttackPlatform, brokerAttack, startAttackPlatform } from './attack/broker.ts';

let running: AttackPlatform | undefined;
const logs: string[] = [];

beforeAll(async () => {
  running = await startAttackPlatform({ log: (line) => logs.push(line) });
}, 300_000);

afterAll(async () => {
  await running?.stop();
}, 120_000);

describe('hostile messages straight onto the broker', () => {
  it('every bad message of every class lands in its queue’s DLQ with its reason; nothing accepted, nothing crashed', async () => {
    const { broker, platform } = running as AttackPlatform;
    const rows = await brokerAttack({ count: 3 * ATTACK_CLASSES.length, broker, platform });
    expect(rows.map((r) => r.name)).toEqual(ATTACK_CLASSES.map((c) => c.name));
    for (const row of rows) {
      expect(row.tried, row.name).toBeGreaterThan(0);
      expect({ ...row, logs: row.rejected === row.tried ? [] : logs.slice(-20) }).toEqual({
        ...row,
        rejected: row.tried,
        wronglyAccepted: 0,
        crashes: 0,
        logs: [],
      });
    }
  }, 240_000);
});
