import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const dynamic = 'force-dynamic';

interface Mail {
  file: string;
  at: Date;
  to: string;
  subject: string;
  links: string[];
}

/**
 * Development only: the notification service's mail outbox (one .eml per mail), so a newcomer can
 * open the verification link. Shown only when DEV_MAIL_DIR is set (scripts/up sets it); a real
 * deployment sends mail over SMTP and has no such folder.
 */
async function readMails(dir: string): Promise<Mail[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml'));
  } catch {
    return [];
  }
  const mails = await Promise.all(
    names.map(async (file) => {
      const path = join(dir, file);
      const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      const header = (name: string) =>
        new RegExp(`^${name}:\\s*(.+)$`, 'im').exec(raw.split(/\r?\n\r?\n/)[0] ?? '')?.[1]?.trim() ?? '';
      // Quoted-printable soft breaks and =3D, and base64 parts, so links read as written.
      const decoded = [
        raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '='),
        ...[...raw.matchAll(/\r?\n\r?\n([A-Za-z0-9+/=\r\n]{40,})/g)].map((m) =>
          Buffer.from((m[1] ?? '').replace(/\s+/g, ''), 'base64').toString('utf8'),
        ),
      ].join('\n');
      const links = [...new Set([...decoded.matchAll(/https?:\/\/[^\s"'<>]+/g)].map((m) => m[0]))];
      return { file, at: info.mtime, to: header('To'), subject: header('Subject'), links };
    }),
  );
  return mails.sort((a, b) => b.at.getTime() - a.at.getTime()).slice(0, 50);
}

export default async function DevMailPage() {
  const dir = process.env.DEV_MAIL_DIR;
  if (!dir)
    return (
      <div className="empty">
        <p>No development mail outbox here (DEV_MAIL_DIR is not set); mail goes out over SMTP.</p>
      </div>
    );
  const mails = await readMails(dir);
  return (
    <>
      <h1>Development mail</h1>
      <p className="muted">
        The notification service&apos;s outbox ({dir}), newest first. Reload to see new mail.
      </p>
      {mails.length === 0 ? (
        <div className="empty">
          <p>No mail yet.</p>
        </div>
      ) : (
        mails.map((mail) => (
          <div className="card" key={mail.file} data-testid="mail">
            <strong>{mail.subject || '(no subject)'}</strong>
            <p className="muted">
              to {mail.to} · {mail.at.toISOString()}
            </p>
            {mail.links.map((link) => (
              <p key={link} style={{ overflowWrap: 'anywhere' }}>
                <a href={link}>{link}</a>
              </p>
            ))}
          </div>
        ))
      )}
    </>
  );
}
