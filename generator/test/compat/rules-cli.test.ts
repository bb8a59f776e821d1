/** `kada-gen rules`: the reading the check assumes (tolerant reader by default) and every rule id. */
import { describe, expect, it } from 'vitest';
import { allRules } from '../../src/check/index.ts';
import { runCli } from '../lock/fixture.ts';

describe('kada-gen rules', () => {
  it('text: documents the tolerant-reader default, open content strict, unprovable and retirement, then every rule', () => {
    const r = runCli(['rules']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Tolerant reader (default): consumers ignore properties they do not know');
    expect(r.stdout).toContain('--open-content strict');
    expect(r.stdout).toContain('with --lenient it is a warning');
    expect(r.stdout).toContain('x-kada-event.deprecated: <YYYY-MM-DD>');
    for (const rule of allRules()) expect(r.stdout).toMatch(new RegExp(`^${rule.id} +${rule.kind} `, 'm'));
  });

  it('json: one object per rule id', () => {
    const r = runCli(['rules', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { id: string }[]).map((x) => x.id)).toEqual(allRules().map((x) => x.id));
  });
});
