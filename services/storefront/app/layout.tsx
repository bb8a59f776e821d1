import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { Nav } from '../components/nav.tsx';
import { SessionProvider } from '../lib/session.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'Kada Mandiya',
  description: 'The Kada Mandiya marketplace',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <SessionProvider>
          <Nav />
          <main>{children}</main>
          <footer>
            Kada Mandiya storefront · everything through the gateway ·{' '}
            <a href="/dev/mail">development mail</a>
          </footer>
        </SessionProvider>
      </body>
    </html>
  );
}
