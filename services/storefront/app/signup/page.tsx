'use client';
import Link from 'next/link';
import { type FormEvent, useState } from 'react';
import { ProblemView } from '../../components/ui.tsx';
import { api, asProblem, type Problem } from '../../lib/api.ts';

export default function SignupPage() {
  const [problem, setProblem] = useState<Problem | null>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setProblem(null);
    const email = String(form.get('email'));
    const { data, error, response } = await api.POST('/auth/register', {
      body: {
        email,
        password: String(form.get('password')),
        name: String(form.get('name')),
        role: form.get('role') === 'seller' ? 'seller' : 'buyer',
      },
    });
    setBusy(false);
    if (!data) return setProblem(asProblem(error, response));
    setSentTo(email);
  }

  if (sentTo)
    return (
      <div className="card">
        <h1>Check your e-mail</h1>
        <p data-testid="signup-done">
          We sent a verification link to <strong>{sentTo}</strong>. Open it to verify your address, then{' '}
          <Link href="/login">log in</Link>.
        </p>
        <p className="muted">
          On a development machine the mail lands in the outbox folder:{' '}
          <Link href="/dev/mail">development mail</Link>.
        </p>
      </div>
    );
  return (
    <>
      <h1>Create an account</h1>
      <form className="card stack" onSubmit={submit}>
        <label>
          Name
          <input name="name" required maxLength={200} autoComplete="name" />
        </label>
        <label>
          E-mail
          <input name="email" type="email" required maxLength={254} autoComplete="email" />
        </label>
        <label>
          Password (12 characters or more)
          <input
            name="password"
            type="password"
            required
            minLength={12}
            maxLength={128}
            autoComplete="new-password"
          />
        </label>
        <label>
          I want to
          <select name="role" defaultValue="buyer">
            <option value="buyer">buy</option>
            <option value="seller">sell</option>
          </select>
        </label>
        <ProblemView problem={problem} />
        <button type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Sign up'}
        </button>
        <p className="muted">
          Already have an account? <Link href="/login">Log in</Link>
        </p>
      </form>
    </>
  );
}
