/**
 * The platform fault test, short form (the long one is `scripts/chaos`): a three-node cluster of
 * our own (KADA_CLUSTER_PORT 5891..5893, the machine's node on 5672 untouched), two replicas of
 * every service under their own broker users, a few dozen checkouts through the gateway while one
 * node is stopped and started again and one replica of each service is SIGKILLed and restarted.
 * Every promise is checked by `runChaos`; this asserts its figures.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos.ts';

describe('checkouts on a cluster that loses a node and a replica of every service', () => {
  it('every order ends, stock balances, one charge and one receipt per paid order, no confirmed event lost', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      orders: 30,
      durationS: 600,
      concurrency: 4,
      replicas: 2,
      maxRounds: 1,
      portBase: 4500 + Math.floor(Math.random() * 40) * 10,
      clusterPort: Number(process.env.KADA_CHAOS_TEST_CLUSTER_PORT ?? 5891),
      keepCluster: false,
      log: (line) => lines.push(line),
    });
    process.stdout.write(`chaos (short): ${JSON.stringify(report)}\n`);
    if (!report.ok) process.stdout.write(`${lines.join('\n')}\n`);
    expect(report.faults.nodeStops).toBe(1);
    expect(report.faults.nodeStarts).toBe(1);
    expect(report.faults.kills).toBe(10);
    expect(report.faults.errors).toEqual([]);
    expect(report.loadErrors).toEqual([]);
    expect(report.orders.placed).toBe(30);
    expect(report.orders.open).toEqual([]);
    expect(report.orders.paid + report.orders.failed).toBe(30);
    expect(report.orders.paid).toBeGreaterThan(0);
    expect(report.checks).toEqual({ stockIssues: [], chargeIssues: [], receiptIssues: [], eventIssues: [] });
    expect(report.events.confirmed).toBeGreaterThan(0);
    expect(report.events.lostAtTap).toBe(0);
    expect(report.events.lostAtAudit).toBe(0);
    expect(report.events.deadLettered).toEqual({});
    expect(report.ok).toBe(true);
  }, 1_500_000);
});
