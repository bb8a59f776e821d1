'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { api, loadTokens } from '../lib/api.ts';
import { useSession } from '../lib/session.tsx';

export function Nav() {
  const { ready, user, signOut, cart } = useSession();
  const router = useRouter();
  const count = cart.reduce((n, line) => n + line.quantity, 0);

  async function logOut() {
    const tokens = loadTokens();
    // Revoke the refresh token; the local session ends whatever the answer.
    if (tokens)
      await api.POST('/auth/logout', { body: { refreshToken: tokens.refreshToken } }).catch(() => {});
    signOut();
    router.push('/');
  }

  return (
    <header className="nav">
      <Link href="/" className="brand">
        Kada Mandiya
      </Link>
      <nav>
        <Link href="/">Shop</Link>
        {user?.role !== 'seller' ? <Link href="/cart">Cart{count ? ` (${count})` : ''}</Link> : null}
        {ready && user ? (
          <>
            {user.role === 'seller' ? (
              <>
                <Link href="/seller">Dashboard</Link>
                <Link href="/seller/products">My products</Link>
              </>
            ) : (
              <Link href="/orders">Orders</Link>
            )}
            <Link href="/account">Account</Link>
            <button type="button" className="link" onClick={logOut}>
              Log out
            </button>
          </>
        ) : ready ? (
          <>
            <Link href="/login">Log in</Link>
            <Link href="/signup">Sign up</Link>
          </>
        ) : null}
      </nav>
    </header>
  );
}
