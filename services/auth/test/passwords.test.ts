import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword, withHashSlot } from '../domain/passwords.ts';

describe('password hashing', () => {
  it('runs at most two hashes at once (the default), the rest in arrival order, none lost', async () => {
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const release: Array<() => void> = [];
    const jobs = Array.from({ length: 6 }, (_, i) =>
      withHashSlot(async () => {
        running++;
        most = Math.max(most, running);
        order.push(i);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return i;
      }),
    );
    // Let every job that can start start, then finish them one at a time.
    for (let done = 0; done < 6; done++) {
      await new Promise((r) => setImmediate(r));
      expect(running).toBeLessThanOrEqual(2);
      release.shift()?.();
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a failing hash frees its slot', async () => {
    await expect(withHashSlot(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withHashSlot(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(withHashSlot(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await withHashSlot(async () => 'free')).toBe('free');
  });

  it('hashes with Argon2id and verifies through the gate', async () => {
    const hashes = await Promise.all(
      ['a-long-password-1', 'a-long-password-2', 'a-long-password-3'].map(hashPassword),
    );
    expect(hashes.every((h) => h.startsWith('$argon2id$'))).toBe(true);
    expect(await verifyPassword(hashes[0] ?? '', 'a-long-password-1')).toBe(true);
    expect(await verifyPassword(hashes[0] ?? '', 'a-long-password-2')).toBe(false);
  });
});
