'use client';
/**
 * The typed client: openapi-fetch over `paths` from generated/openapi/gateway.ts (openapi-typescript's
 * output of specs/openapi/gateway.yaml). The browser calls `/api/...`, which this app's route handler
 * passes to the gateway unchanged; nothing else is called.
 */
import type { components, paths } from '@kada/contracts/openapi/gateway.ts';
import createClient, { type Middleware } from 'openapi-fetch';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Product = Schemas['Product'];
export type Money = Schemas['Money'];
export type Order = Schemas['Order'];

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

const TOKENS_KEY = 'kada.tokens';

export function loadTokens(): Tokens | null {
  if (typeof window === 'undefined') return null;
  try {
    const raw = window.localStorage.getItem(TOKENS_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  } catch {
    return null;
  }
}

export function saveTokens(tokens: Tokens | null): void {
  if (tokens) window.localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  else window.localStorage.removeItem(TOKENS_KEY);
  window.dispatchEvent(new Event('kada-session'));
}

export const api = createClient<paths>({ baseUrl: '/api' });

let refreshing: Promise<Tokens | null> | null = null;

/** One refresh at a time: the refresh token is single use. */
async function refreshTokens(): Promise<Tokens | null> {
  const current = loadTokens();
  if (!current) return null;
  refreshing ??= (async () => {
    const res = await fetch('/api/auth/refresh', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    });
    if (!res.ok) {
      saveTokens(null);
      return null;
    }
    const pair = (await res.json()) as Tokens;
    const tokens = { accessToken: pair.accessToken, refreshToken: pair.refreshToken };
    saveTokens(tokens);
    return tokens;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Exchanges the refresh token for a new pair, e.g. to pick up a just-verified address. */
export const refreshSession = refreshTokens;

const auth: Middleware = {
  onRequest({ request }) {
    const tokens = loadTokens();
    if (tokens && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return request;
  },
  async onResponse({ request, response }) {
    // An expired access token: refresh once and send the same request again.
    if (response.status !== 401 || !loadTokens() || request.url.includes('/api/auth/')) return response;
    const tokens = await refreshTokens();
    if (!tokens) return response;
    const retry = new Request(request, {
      headers: new Headers(request.headers),
    });
    retry.headers.set('authorization', `Bearer ${tokens.accessToken}`);
    return fetch(retry);
  },
};
api.use(auth);

/** The claims the storefront reads from the access token (the gateway and services verify it). */
export interface Claims {
  sub: string;
  role: 'buyer' | 'seller';
  email: string;
  email_verified: boolean;
  exp: number;
}

export function claimsOf(tokens: Tokens | null): Claims | null {
  if (!tokens) return null;
  try {
    const part = tokens.accessToken.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(json) as Claims;
  } catch {
    return null;
  }
}

/** A problem+json body, or a stand-in when the answer was something else (network down, HTML). */
export function asProblem(error: unknown, response?: Response): Problem {
  if (error && typeof error === 'object' && 'title' in error && 'status' in error) return error as Problem;
  return {
    type: 'about:blank',
    title: response ? `Request failed (HTTP ${response.status})` : 'The shop cannot be reached',
    status: response?.status ?? 503,
    detail: response ? undefined : 'Check your connection and try again.',
  };
}

export function formatMoney(money: Money): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency: money.currency }).format(
      money.amount / 100,
    );
  } catch {
    return `${(money.amount / 100).toFixed(2)} ${money.currency}`;
  }
}
