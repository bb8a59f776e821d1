'use client';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { type Claims, claimsOf, loadTokens, type Product, saveTokens, type Tokens } from './api.ts';

export interface CartLine {
  productId: string;
  name: string;
  unitPrice: Product['price'];
  quantity: number;
}

interface Session {
  /** False until the browser's storage was read (the server renders without a session). */
  ready: boolean;
  user: Claims | null;
  signIn(tokens: Tokens): void;
  signOut(): void;
  cart: CartLine[];
  addToCart(product: Product, quantity: number): void;
  setQuantity(productId: string, quantity: number): void;
  clearCart(): void;
}

const SessionContext = createContext<Session | null>(null);
const CART_KEY = 'kada.cart';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [ready, setReady] = useState(false);
  const [user, setUser] = useState<Claims | null>(null);
  const [cart, setCart] = useState<CartLine[]>([]);

  useEffect(() => {
    const read = () => setUser(claimsOf(loadTokens()));
    read();
    try {
      setCart(JSON.parse(window.localStorage.getItem(CART_KEY) ?? '[]') as CartLine[]);
    } catch {
      setCart([]);
    }
    setReady(true);
    window.addEventListener('kada-session', read);
    window.addEventListener('storage', read);
    return () => {
      window.removeEventListener('kada-session', read);
      window.removeEventListener('storage', read);
    };
  }, []);

  const storeCart = useCallback((next: CartLine[]) => {
    setCart(next);
    window.localStorage.setItem(CART_KEY, JSON.stringify(next));
  }, []);

  const session: Session = {
    ready,
    user,
    signIn: (tokens) => saveTokens(tokens),
    signOut: () => saveTokens(null),
    cart,
    addToCart(product, quantity) {
      const existing = cart.find((line) => line.productId === product.productId);
      storeCart(
        existing
          ? cart.map((line) =>
              line.productId === product.productId ? { ...line, quantity: line.quantity + quantity } : line,
            )
          : [
              ...cart,
              { productId: product.productId, name: product.name, unitPrice: product.price, quantity },
            ],
      );
    },
    setQuantity(productId, quantity) {
      storeCart(
        quantity <= 0
          ? cart.filter((line) => line.productId !== productId)
          : cart.map((line) => (line.productId === productId ? { ...line, quantity } : line)),
      );
    },
    clearCart: () => storeCart([]),
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
