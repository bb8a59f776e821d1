import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  maskEmail,
  maskEventData,
  maskFreeText,
  maskIp,
  maskName,
  maskPhone,
  REDACTED,
  ruleFor,
} from '../masking/mask.ts';
import { loadEmailPaths } from '../masking/schema-formats.ts';

describe('masking free text', () => {
  const cases: Array<{ given: string; want: string }> = [
    { given: 'card 4242 4242 4242 4242 declined', want: 'card **** 4242 declined' },
    { given: 'card 4000-0000-0000-0002 declined', want: 'card **** 0002 declined' },
    { given: 'pan 5555555555554444.', want: 'pan **** 4444.' },
    { given: 'call +62 812-3456-7890 now', want: 'call ***********90 now' },
    { given: 'call (021) 555-0199 now', want: 'call ********99 now' },
    { given: 'Dear Jane Doe, your order', want: 'Dear J*** D***, your order' },
    { given: 'Ask Dr. Ayu Lestari', want: 'Ask Dr. A*** L***' },
    { given: 'mail jane@example.com', want: 'mail j***@example.com' },
    // Not personal data: ids, amounts, dates, timestamps and order numbers stay readable.
    { given: 'pi_3PqK2nLkdIwHu7ix0abc1234', want: 'pi_3PqK2nLkdIwHu7ix0abc1234' },
    { given: '01920c50-7f10-7a21-b432-c543d654e702', want: '01920c50-7f10-7a21-b432-c543d654e702' },
    { given: 'paid 5248 USD at 2025-06-12T14:00:08Z', want: 'paid 5248 USD at 2025-06-12T14:00:08Z' },
    { given: 'order 1234567890123', want: 'order 1234567890123' },
  ];
  it.each(cases)('$given', ({ given, want }) => {
    expect(maskFreeText(given)).toBe(want);
  });

  it('masks the names an event carries wherever they recur in its text', () => {
    const masked = maskEventData(
      { name: 'Ayu Lestari', note: 'Welcome, Ayu Lestari! Ayu can now shop.' },
      'user.registered',
      'user.registered.v1',
      new Map(),
    );
    expect(masked).toEqual({ name: 'A*** L***', note: 'Welcome, A*** L***! A*** can now shop.' });
  });
});

describe('masking by field name', () => {
  const cases: Array<{ given: [key: string, eventType: string]; want: ReturnType<typeof ruleFor> }> = [
    { given: ['email', 'user.registered'], want: 'email' },
    { given: ['contactEmail', 'order.created'], want: 'email' },
    { given: ['name', 'user.registered'], want: 'name' },
    { given: ['name', 'product.created'], want: undefined },
    { given: ['fullName', 'order.created'], want: 'name' },
    { given: ['phone', 'user.updated'], want: 'phone' },
    { given: ['mobileNumber', 'user.updated'], want: 'phone' },
    { given: ['shippingAddress', 'order.created'], want: 'address' },
    { given: ['postal_code', 'order.created'], want: 'address' },
    { given: ['ip', 'user.login_alert'], want: 'ip' },
    { given: ['clientIp', 'user.login_alert'], want: 'ip' },
    { given: ['relationship', 'user.updated'], want: undefined },
    { given: ['userAgent', 'user.login_alert'], want: 'userAgent' },
    { given: ['token', 'user.password_reset_requested'], want: 'secret' },
    { given: ['deviceToken', 'notification.failed'], want: 'secret' },
    { given: ['password', 'anything'], want: 'secret' },
    { given: ['paymentIntentId', 'payment.succeeded'], want: undefined },
    { given: ['paymentMethodId', 'order.created'], want: undefined },
    { given: ['userId', 'user.registered'], want: undefined },
  ];
  it.each(cases)('$given -> $want', ({ given, want }) => {
    expect(ruleFor(...given)).toBe(want);
  });

  it('masks values the way the log shows them', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@example.com');
    expect(maskName('Jane van Doe')).toBe('J*** v*** D***');
    expect(maskPhone('+62 812-3456-7890')).toBe('***********90');
    expect(maskIp('203.0.113.7')).toBe('203.0.x.x');
    expect(maskIp('2001:db8:85a3::8a2e:370:7334')).toBe('2001:db8:x:x');
  });
});

describe('masking by contract (format: email)', () => {
  const paths = loadEmailPaths();

  it('finds the email fields of the user events in the AsyncAPI documents', () => {
    expect(paths.get('user.registered.v1')).toEqual([['email']]);
    expect(paths.get('user.login_alert.v1')).toEqual([['email']]);
    expect(paths.get('order.created.v1')).toEqual([]);
  });

  it('masks a field the contract marks as an email whatever its name', () => {
    const plan = new Map([['x.happened.v1', [['people', '*', 'contact']]]]);
    const data = { people: [{ contact: 'ann@example.org', role: 'x' }], note: 'write to bob@example.net' };
    expect(maskEventData(data, 'x.happened', 'x.happened.v1', plan)).toEqual({
      people: [{ contact: 'a***@example.org', role: 'x' }],
      note: 'write to b***@example.net',
    });
  });

  it('redacts secrets and masks nested personal data', () => {
    const data = {
      userId: '01920c4e-5b7a-7c3e-9a41-2f5d8e6b1c01',
      email: 'jane.doe@example.com',
      token: 'tok_abcdefghijklmnopqrstuvwxyz012345',
      shippingAddress: { line1: '1 Main St', city: 'Colombo' },
    };
    expect(maskEventData(data, 'user.x', 'user.x.v1', new Map())).toEqual({
      userId: '01920c4e-5b7a-7c3e-9a41-2f5d8e6b1c01',
      email: 'j***@example.com',
      token: REDACTED,
      shippingAddress: '[masked]',
    });
  });
});

describe('append-only', () => {
  it('has no code path that updates or deletes audit rows', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const sources: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (name === 'node_modules' || name === 'test') continue;
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.ts')) sources.push(path);
      }
    };
    walk(root);
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(file, 'utf8');
      expect(text, file).not.toMatch(/updateTable|deleteFrom|dropTable|\bUPDATE\s|\bDELETE\s+FROM|TRUNCATE/);
    }
  });
});
