import type { EmailPaths } from './schema-formats.ts';

/**
 * Personal data masking for the audit log, decided by field name and by the contract's
 * `format: email`, with a last net for free text: email addresses, card numbers, phone numbers and names.
 *
 * given { email: 'jane.doe@example.com', name: 'Jane Doe', ip: '203.0.113.7', token: 'abc…' } (user.*)
 * want  { email: 'j***@example.com', name: 'J*** D***', ip: '203.0.x.x', token: '[redacted]' }
 */

export const REDACTED = '[redacted]';
export const MASKED = '[masked]';

type Rule = 'email' | 'name' | 'phone' | 'address' | 'ip' | 'userAgent' | 'secret';

const normalize = (key: string): string => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The rule for a field name; `name` alone is a person's name only in user events (elsewhere, a product's). */
export function ruleFor(key: string, eventType: string): Rule | undefined {
  const k = normalize(key);
  if (/(token|secret|password|passwd|apikey|authorization|cookie|cvc|cvv)/.test(k) || /^otp/.test(k))
    return 'secret';
  if (k === 'email' || k.endsWith('email') || k === 'emailaddress') return 'email';
  if (/(phone|mobile|msisdn)/.test(k)) return 'phone';
  if (k === 'useragent' || k === 'ua') return 'userAgent';
  if (
    /^(ip|ipaddress|ipv4|ipv6|(client|remote|source|origin|login|lastlogin)ip|remoteaddr|xforwardedfor)$/.test(
      k,
    )
  ) {
    return 'ip';
  }
  if (/(address|street|postalcode|postcode|zipcode|^line[12]$|^city$)/.test(k)) return 'address';
  if (
    /^(firstname|lastname|fullname|displayname|givenname|familyname|middlename|recipientname|customername|buyername|contactname|cardholdername)$/.test(
      k,
    )
  ) {
    return 'name';
  }
  if (k === 'name' && eventType.startsWith('user.')) return 'name';
  return undefined;
}

/** jane.doe@example.com -> j***@example.com */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at <= 0) return MASKED;
  return `${value[0]}***${value.slice(at)}`;
}

/** Jane Doe -> J*** D*** */
export function maskName(value: string): string {
  return value
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => `${Array.from(word)[0] ?? ''}***`)
    .join(' ');
}

/** +6281234567890 -> ***********90 */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, '');
  return `${'*'.repeat(Math.max(digits.length - 2, 3))}${digits.slice(-2)}`;
}

/** 203.0.113.7 -> 203.0.x.x; 2001:db8:85a3::8a2e -> 2001:db8:x:x */
export function maskIp(value: string): string {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return `${value.split('.').slice(0, 2).join('.')}.x.x`;
  if (value.includes(':')) return `${value.split(':').slice(0, 2).join(':')}:x:x`;
  return MASKED;
}

const EMAIL_IN_TEXT = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
/** 13–19 digits, maybe grouped by spaces or dashes, not glued to a word (ids like pi_3Pq… stay). */
const CARD_IN_TEXT = /(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])/g;
/** A phone number in text: a leading + or separators between groups, 8–15 digits in all. */
const PHONE_IN_TEXT = /(?<![\w+-])(?:\+\d[\d ().-]{6,}\d|\(?\d{2,5}\)?[ .-]\d[\d .-]{4,}\d)(?![\w-])/g;
/** A name after a title or a greeting ("Dr. Jane Doe", "Dear Jane"): capitalised words. */
const NAME_AFTER_TITLE =
  /\b(Mr|Mrs|Ms|Miss|Dr|Prof|Dear|Hi|Hello|Bapak|Ibu|Pak|Bu)(\.?\s+)(\p{Lu}[\p{L}'-]+(?:\s+\p{Lu}[\p{L}'-]+){0,2})/gu;

/** Luhn: real card numbers pass, most other long digit runs (order numbers, timestamps) do not. */
function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** 4242 4242 4242 4242 -> **** 4242 */
export function maskCard(value: string): string {
  return `**** ${value.replace(/\D/g, '').slice(-4)}`;
}

/**
 * The last net for free text: email addresses, card numbers (Luhn-valid), phone numbers, the names this
 * event carries elsewhere (`knownNames`), and names after a title or greeting.
 */
export function maskFreeText(text: string, knownNames: readonly string[] = []): string {
  let out = text.replace(EMAIL_IN_TEXT, (email) => maskEmail(email));
  out = out.replace(CARD_IN_TEXT, (run) => {
    const digits = run.replace(/\D/g, '');
    return luhn(digits) ? maskCard(run) : run;
  });
  out = out.replace(PHONE_IN_TEXT, (run) => {
    const digits = run.replace(/\D/g, '').length;
    return digits >= 8 && digits <= 15 ? maskPhone(run) : run;
  });
  for (const name of knownNames) {
    for (const word of name.split(/\s+/).filter((w) => w.length >= 2)) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      out = out.replace(new RegExp(`(?<![\\p{L}])${escaped}(?![\\p{L}])`, 'gu'), maskName(word));
    }
  }
  return out.replace(
    NAME_AFTER_TITLE,
    (_m, title: string, space: string, name: string) => `${title}${space}${maskName(name)}`,
  );
}

function maskValue(rule: Rule, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (rule === 'secret') return REDACTED;
  if (typeof value !== 'string') return MASKED; // structured personal data (an address object): all of it
  switch (rule) {
    case 'email':
      return maskEmail(value);
    case 'name':
      return maskName(value);
    case 'phone':
      return maskPhone(value);
    case 'ip':
      return maskIp(value);
    default:
      return MASKED;
  }
}

const matches = (schemaPath: readonly string[], path: readonly string[]): boolean =>
  schemaPath.length === path.length && schemaPath.every((part, i) => part === '*' || part === path[i]);

/**
 * A masked deep copy of an event's `data`. `routingKey` (e.g. user.registered.v1) selects the
 * contract's email paths; field names decide the rest; emails inside other strings are masked too.
 */
export function maskEventData(
  data: unknown,
  eventType: string,
  routingKey: string,
  emailPaths: EmailPaths,
): unknown {
  const schemaEmails = emailPaths.get(routingKey) ?? [];
  const knownNames: string[] = [];
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        if (ruleFor(key, eventType) === 'name' && typeof child === 'string') knownNames.push(child);
        else collect(child);
      }
    }
  };
  collect(data);
  const visit = (value: unknown, path: string[]): unknown => {
    if (path.length > 0 && schemaEmails.some((p) => matches(p, path))) {
      return typeof value === 'string' ? maskEmail(value) : value;
    }
    if (Array.isArray(value)) return value.map((item, i) => visit(item, [...path, String(i)]));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const rule = ruleFor(key, eventType);
        out[key] = rule ? maskValue(rule, child) : visit(child, [...path, key]);
      }
      return out;
    }
    if (typeof value === 'string') return maskFreeText(value, knownNames);
    return value;
  };
  return visit(data, []);
}
