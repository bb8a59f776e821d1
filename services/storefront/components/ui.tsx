'use client';
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Problem } from '../lib/api.ts';

/** An RFC 9457 problem as the buyer sees it: title, detail, and each field error. */
export function ProblemView({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <div className="problem" role="alert" data-testid="problem">
      <strong>{problem.title}</strong>
      {problem.detail ? <p>{problem.detail}</p> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.pointer ?? e.parameter ?? e.header ?? ''}${e.detail}`}>
              {e.pointer || e.parameter || e.header ? (
                <code>{e.pointer ?? e.parameter ?? e.header}</code>
              ) : null}{' '}
              {e.detail}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-busy="true">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

/** Shown where an account is needed. */
export function NeedLogin({ forRole }: { forRole?: 'buyer' | 'seller' }) {
  return (
    <Empty>
      <p>{forRole ? `This page is for ${forRole}s.` : 'You need to log in first.'}</p>
      <Link href="/login" className="button">
        Log in
      </Link>{' '}
      <Link href="/signup">Create an account</Link>
    </Empty>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${status.toLowerCase()}`} data-testid="status">
      {status}
    </span>
  );
}
