'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { ProblemView } from '../../components/ui.tsx';
import { api, asProblem, claimsOf, type Problem } from '../../lib/api.ts';
import { useSession } from '../../lib/session.tsx';

export default function LoginPage() {
  const { signIn } = useSession();
  const router = useRouter();
  const [problem, setProblem] = useState<Problem | null>(null);
  const [needsCode, setNeedsCode] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const totpCode = String(form.get('totpCode') ?? '');
    setBusy(true);
    setProblem(null);
    const { data, error, response } = await api.POST('/auth/login', {
      body: {
        email: String(form.get('email')),
        password: String(form.get('password')),
        ...(totpCode ? { totpCode } : {}),
      },
    });
    setBusy(false);
    if (!data) {
      const p = asProblem(error, response);
      if (/totp|two-factor/i.test(`${p.type} ${p.detail ?? ''}`)) setNeedsCode(true);
      return setProblem(p);
    }
    const tokens = { accessToken: data.accessToken, refreshToken: data.refreshToken };
    signIn(tokens);
    router.push(claimsOf(tokens)?.role === 'seller' ? '/seller' : '/');
  }

  return (
    <>
      <h1>Log in</h1>
      <form className="card stack" onSubmit={submit}>
        <label>
          E-mail
          <input name="email" type="email" required maxLength={254} autoComplete="email" />
        </label>
        <label>
          Password
          <input name="password" type="password" required maxLength={128} autoComplete="current-password" />
        </label>
        {needsCode ? (
          <label>
            Authenticator code
            <input name="totpCode" inputMode="numeric" pattern="[0-9]{6}" autoComplete="one-time-code" />
          </label>
        ) : null}
        <ProblemView problem={problem} />
        <button type="submit" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p className="muted">
          New here? <Link href="/signup">Create an account</Link>
        </p>
      </form>
    </>
  );
}
