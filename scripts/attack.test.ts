/**
 * The attack suite's short run, on the real platform (own vhost and databases): every bad JWT, forged or
 * replayed Stripe webhook, hostile request target and fuzzed body gets a 4xx problem+json, and nothing
 * crashes. The full run (1,000 fuzzed requests per operation) is scripts/attack/run.
 */
import { describe, expect, it } from 'vitest';
import { formatTable, runAttack } from './attack/index.ts';
import type { AttackRow } from './attack/types.ts';

describe('attack suite (short run)', () => {
  it('rejects every hostile request correctly and nothing crashes', async () => {
    const logs: string[] = [];
    const rows: AttackRow[] = await runAttack({ size: 15, onLog: (line) => logs.push(line) });
    const table = formatTable(rows);
    const names = rows.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'jwt: bad tokens',
        'request targets',
        "jwt: deleted user's token",
        'auth: TOTP guessing',
        'stripe: forged',
        'stripe: stale or replayed late',
        'stripe: tampered replay',
        'stripe: duplicated',
        'fuzz: register',
        'fuzz: createOrder',
      ]),
    );
    for (const row of rows) expect(row.tried, `${row.name}\n${table}`).toBeGreaterThan(0);
    const bad = rows.filter((r) => r.wronglyAccepted > 0 || r.crashes > 0);
    expect(bad, `${table}\n${logs.slice(-30).join('\n')}`).toEqual([]);
    expect(rows.every((r) => r.rejected === r.tried)).toBe(true);
  }, 300_000);
});
