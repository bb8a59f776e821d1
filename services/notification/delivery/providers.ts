import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import nodemailer from 'nodemailer';
import type { NotificationChannel } from '../db/schema.ts';
import type { NotificationConfig } from './config.ts';
import type { RenderedMessage } from './templates.ts';

/** A message ready for a provider: the rendered template and the recipient's address on the channel. */
export interface OutgoingNotification {
  notificationId: string;
  userId: string;
  channel: NotificationChannel;
  template: string;
  /** Email address, phone number, or the user id for push. */
  to: string;
  message: RenderedMessage;
}

/** A provider refused or failed; `message` must not contain personal data. */
export class ProviderFailure extends Error {
  readonly provider: string;
  readonly code: string | null;
  readonly retryable: boolean;
  constructor(provider: string, code: string | null, message: string, retryable: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = 'ProviderFailure';
    this.provider = provider;
    this.code = code;
    this.retryable = retryable;
  }
}

export interface DeliveryProvider {
  readonly name: string;
  readonly channel: NotificationChannel;
  send(notification: OutgoingNotification): Promise<void>;
}

/** Providers per channel, in the order they are tried: the first, then the fallback. */
export type ProviderChain = Readonly<Record<NotificationChannel, readonly DeliveryProvider[]>>;

/**
 * Email as a file: nodemailer builds the RFC 5322 message (stream transport, buffered) and it is
 * written to `<dir>/<notificationId>.eml`. Same id, same file: a redelivered event overwrites.
 */
export function fileEmailProvider(name: string, dir: string, from: string): DeliveryProvider {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    name,
    channel: 'email',
    async send(notification) {
      try {
        const info = await transport.sendMail(mailOptions(notification, from));
        const file = join(dir, `${notification.notificationId}.eml`);
        await mkdir(dir, { recursive: true });
        const temp = `${file}.${process.pid}.tmp`;
        await writeFile(temp, info.message as Buffer);
        await rename(temp, file);
      } catch (error) {
        throw providerFailure(name, error);
      }
    },
  };
}

/** Email over SMTP (SMTP_URL, e.g. smtp://user:pass@host:587). */
export function smtpEmailProvider(name: string, url: string, from: string): DeliveryProvider {
  const transport = nodemailer.createTransport(url);
  return {
    name,
    channel: 'email',
    async send(notification) {
      try {
        await transport.sendMail(mailOptions(notification, from));
      } catch (error) {
        throw providerFailure(name, error);
      }
    },
  };
}

/**
 * A simulated SMS or push gateway: appends one line per accepted message to a delivery log. The
 * line names the notification and masks the recipient; the message body is not logged.
 */
export function simulatedProvider(
  name: string,
  channel: NotificationChannel,
  logFile: string,
): DeliveryProvider {
  return {
    name,
    channel,
    async send(notification) {
      const line = {
        at: new Date().toISOString(),
        provider: name,
        channel,
        notificationId: notification.notificationId,
        template: notification.template,
        to: channel === 'sms' ? maskPhone(notification.to) : notification.to,
      };
      try {
        await mkdir(dirname(logFile), { recursive: true });
        await appendFile(logFile, `${JSON.stringify(line)}\n`);
      } catch (error) {
        throw providerFailure(name, error);
      }
    },
  };
}

/** Failure injection: a provider that always fails, as a real one would when it is down. */
export function failingProvider(provider: DeliveryProvider): DeliveryProvider {
  return {
    name: provider.name,
    channel: provider.channel,
    async send() {
      throw new ProviderFailure(
        provider.name,
        'UNAVAILABLE',
        `${provider.name} is unavailable (injected failure)`,
        true,
      );
    },
  };
}

/**
 * The providers of each channel from the configuration. Email: SMTP when SMTP_URL is set, else the
 * outbox folder; then a second folder as fallback. SMS: sim-a then sim-b. Push: push-a then push-b.
 */
export function createProviders(config: NotificationConfig): ProviderChain {
  const inject = (provider: DeliveryProvider): DeliveryProvider =>
    config.failProviders.includes(provider.name) ? failingProvider(provider) : provider;
  const primaryEmail = config.smtpUrl
    ? smtpEmailProvider('smtp', config.smtpUrl, config.from)
    : fileEmailProvider('file', config.outboxDir, config.from);
  return {
    email: [primaryEmail, fileEmailProvider('file-fallback', config.fallbackDir, config.from)].map(inject),
    sms: [
      simulatedProvider('sim-a', 'sms', config.deliveryLogFile),
      simulatedProvider('sim-b', 'sms', config.deliveryLogFile),
    ].map(inject),
    push: [
      simulatedProvider('push-a', 'push', config.deliveryLogFile),
      simulatedProvider('push-b', 'push', config.deliveryLogFile),
    ].map(inject),
  };
}

function mailOptions(notification: OutgoingNotification, from: string) {
  return {
    from,
    to: notification.to,
    subject: notification.message.subject,
    text: notification.message.text,
    html: notification.message.html,
    messageId: `<${notification.notificationId}@kada-mandiya.local>`,
    headers: {
      'X-Kada-Notification-Id': notification.notificationId,
      'X-Kada-Template': notification.template,
    },
  };
}

function providerFailure(provider: string, error: unknown): ProviderFailure {
  if (error instanceof ProviderFailure) return error;
  const code = readCode(error);
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  // SMTP 4xx is temporary, 5xx permanent; file system errors are worth another try.
  const retryable = typeof responseCode === 'number' ? responseCode < 500 : true;
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderFailure(provider, code, scrubPersonalData(message).slice(0, 1000), retryable, error);
}

function readCode(error: unknown): string | null {
  const code = (error as { code?: unknown; responseCode?: unknown } | null)?.code;
  if (typeof code === 'string' && code !== '') return code.slice(0, 100);
  const responseCode = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof responseCode === 'number' ? String(responseCode) : null;
}

/** Provider messages may echo addresses ("550 <jo@x.com> unknown"); keep them out of logs and events. */
export function scrubPersonalData(message: string): string {
  return message
    .replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '<email>')
    .replace(/\+?\d(?:[\s-]?\d){8,}/g, '<number>');
}

/** "+6281234567890" -> "+62*******7890". */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}
