'use client';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import { Loading, ProblemView } from '../../components/ui.tsx';
import { api, asProblem, loadTokens, type Problem, refreshSession } from '../../lib/api.ts';

/** The target of the verification mail's link: /verify-email?token=… (APP_URL points notification here). */
export default function VerifyEmailPage() {
  const [state, setState] = useState<'working' | 'done' | 'failed'>('working');
  const [problem, setProblem] = useState<Problem | null>(null);
  const once = useRef(false);

  useEffect(() => {
    if (once.current) return;
    once.current = true;
    const token = new URLSearchParams(window.location.search).get('token') ?? '';
    void api.POST('/auth/verify-email', { body: { token } }).then(async ({ error, response }) => {
      if (!response.ok) {
        setProblem(asProblem(error, response));
        setState('failed');
        return;
      }
      // A logged-in session picks up the verified address with fresh tokens.
      if (loadTokens()) await refreshSession();
      setState('done');
    });
  }, []);

  if (state === 'working') return <Loading what="your verification" />;
  return (
    <div className="card">
      <h1>{state === 'done' ? 'E-mail verified' : 'Verification failed'}</h1>
      {state === 'done' ? (
        <p data-testid="verified">
          Your address is verified. <Link href="/login">Log in</Link> or <Link href="/">go shopping</Link>.
        </p>
      ) : (
        <ProblemView problem={problem} />
      )}
    </div>
  );
}
