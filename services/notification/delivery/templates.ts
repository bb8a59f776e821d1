/**
 * One template per event received: a subject, plain text and simple HTML for email, and a short line
 * for SMS and push. Variables are checked before rendering, so a missing one becomes a `render`
 * failure instead of a message with "undefined" in it.
 */

export type TemplateKey =
  | 'user.registered'
  | 'user.email_verification_requested'
  | 'user.password_reset_requested'
  | 'user.login_alert'
  | 'user.locked'
  | 'order.paid'
  | 'order.failed'
  | 'payment.failed';

export type TemplateVars = Readonly<Record<string, string | undefined>>;

export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
  /** SMS body and push body. */
  short: string;
}

interface Template {
  /** Variables the template cannot do without. */
  required: readonly string[];
  subject(v: TemplateVars): string;
  /** Paragraphs of the body (plain text); the HTML is built from the same paragraphs. */
  paragraphs(v: TemplateVars): string[];
  /** An optional call to action: label and URL. */
  action?(v: TemplateVars): { label: string; url: string } | undefined;
  short(v: TemplateVars): string;
}

const greeting = (v: TemplateVars): string => (v.name ? `Hello ${v.name},` : 'Hello,');

const templates: Record<TemplateKey, Template> = {
  'user.registered': {
    required: [],
    subject: () => 'Welcome to Kada Mandiya',
    paragraphs: (v) => [greeting(v), 'Your Kada Mandiya account is ready. Happy shopping!'],
    short: () => 'Welcome to Kada Mandiya: your account is ready.',
  },
  'user.email_verification_requested': {
    required: ['verifyUrl', 'expiresAt'],
    subject: () => 'Confirm your email address',
    paragraphs: (v) => [
      greeting(v),
      'Please confirm your email address to finish setting up your account.',
      `The link is valid until ${v.expiresAt}. If you did not create an account, ignore this message.`,
    ],
    action: (v) => (v.verifyUrl ? { label: 'Confirm my email', url: v.verifyUrl } : undefined),
    short: () => 'Confirm your Kada Mandiya email address: check your inbox.',
  },
  'user.password_reset_requested': {
    required: ['resetUrl', 'expiresAt'],
    subject: () => 'Reset your password',
    paragraphs: (v) => [
      greeting(v),
      'Someone asked to reset the password of your Kada Mandiya account.',
      `The link is valid until ${v.expiresAt}. If it was not you, ignore this message: your password stays as it is.`,
    ],
    action: (v) => (v.resetUrl ? { label: 'Choose a new password', url: v.resetUrl } : undefined),
    short: () => 'A password reset was requested for your Kada Mandiya account.',
  },
  'user.login_alert': {
    required: ['loggedInAt', 'device'],
    subject: () => 'New sign-in to your account',
    paragraphs: (v) => [
      greeting(v),
      `Your account was signed in to on ${v.loggedInAt} from ${v.device}${v.ip ? ` (IP ${v.ip})` : ''}.`,
      'If this was you, there is nothing to do. If not, reset your password now.',
    ],
    short: (v) => `New sign-in to your Kada Mandiya account on ${v.loggedInAt}.`,
  },
  'user.locked': {
    required: ['reason', 'until'],
    subject: () => 'Your account is locked',
    paragraphs: (v) => [
      greeting(v),
      `Your account was locked (${v.reason}). ${v.until}`,
      'If you did not try to sign in, reset your password.',
    ],
    short: (v) => `Your Kada Mandiya account was locked (${v.reason}).`,
  },
  'order.paid': {
    required: ['orderRef', 'total'],
    subject: (v) => `Order ${v.orderRef} confirmed`,
    paragraphs: (v) => [
      greeting(v),
      `Thank you! We received your payment of ${v.total} for order ${v.orderRef}${v.paidAt ? ` on ${v.paidAt}` : ''}.`,
      'We will let you know when it ships.',
    ],
    short: (v) => `Order ${v.orderRef} confirmed: ${v.total} paid.`,
  },
  'order.failed': {
    required: ['orderRef', 'reason'],
    subject: (v) => `Order ${v.orderRef} could not be completed`,
    paragraphs: (v) => [
      greeting(v),
      `Your order ${v.orderRef} could not be completed: ${v.reason}.`,
      'You have not been charged for it.',
    ],
    short: (v) => `Order ${v.orderRef} could not be completed: ${v.reason}.`,
  },
  'payment.failed': {
    required: ['orderRef', 'amount', 'message'],
    subject: (v) => `Payment for order ${v.orderRef} was declined`,
    paragraphs: (v) => [
      greeting(v),
      `Your payment of ${v.amount} for order ${v.orderRef} did not go through: ${v.message}`,
      'You can place the order again with another payment method.',
    ],
    short: (v) => `Payment of ${v.amount} for order ${v.orderRef} was declined.`,
  },
};

export class RenderError extends Error {
  readonly missingVariables: string[];
  constructor(missingVariables: string[]) {
    super(`missing template variables: ${missingVariables.join(', ')}`);
    this.name = 'RenderError';
    this.missingVariables = missingVariables;
  }
}

export function render(key: TemplateKey, vars: TemplateVars): RenderedMessage {
  const template = templates[key];
  const missing = template.required.filter((name) => !vars[name]);
  if (missing.length > 0) throw new RenderError(missing);
  const paragraphs = template.paragraphs(vars);
  const action = template.action?.(vars);
  const text = [
    ...paragraphs,
    ...(action ? [`${action.label}: ${action.url}`] : []),
    '',
    '— Kada Mandiya',
  ].join('\n\n');
  const htmlBody = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const htmlAction = action
    ? `\n<p><a href="${escapeHtml(action.url)}">${escapeHtml(action.label)}</a></p>`
    : '';
  const html = `<!doctype html>\n<html><body style="font-family: sans-serif">\n${htmlBody}${htmlAction}\n<p>— Kada Mandiya</p>\n</body></html>\n`;
  return { subject: template.subject(vars), text, html, short: template.short(vars) };
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** 5248 USD -> "$52.48"; the currency's own number of minor digits. */
export function formatMoney(money: { amount: number; currency: string }): string {
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(money.amount / 10 ** digits);
  } catch {
    return `${money.amount} ${money.currency} (minor units)`;
  }
}

/** A short, readable order reference: the last 8 hex digits of the id. */
export function orderRef(orderId: string): string {
  return `#${orderId.replaceAll('-', '').slice(-8).toUpperCase()}`;
}

/** "2025-06-12T14:00:09Z" -> "2025-06-12 14:00 UTC". */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
