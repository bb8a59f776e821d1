import { type AuthOperations, authRouteTable } from '@kada/contracts/openapi/auth.routes.ts';
import {
  currentUser,
  mountRoutes,
  requireAuth,
  type ServiceContext,
  type ServiceRoutes,
} from '@kada/service-kit';
import type { Express, Request } from 'express';
import type { AuthDatabase } from '../db/schema.ts';
import {
  type AuthDeps,
  confirmPasswordReset,
  deleteAccount,
  login,
  logout,
  refresh,
  register,
  requestPasswordReset,
  verifyEmail,
} from '../domain/accounts.ts';
import { confirmTotp, disableTwoFactor, enrolTotp } from '../domain/two-factor.ts';

/** The client's address as the gateway saw it (X-Forwarded-For from a trusted proxy), IPv4-mapped made plain. */
export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** Tokens are secrets: no cache keeps an answer that carries them. */
const NO_STORE = { 'Cache-Control': 'no-store' };

/** The routes of specs/openapi/auth.yaml. */
export function authRoutes(app: Express, ctx: ServiceContext<AuthDatabase>, deps: AuthDeps): void {
  mountRoutes(app, authRouteTable, authHandlers(deps), {
    before: {
      logout: [requireAuth(ctx)],
      enrolTotp: [requireAuth(ctx)],
      confirmTotp: [requireAuth(ctx)],
      disableTwoFactor: [requireAuth(ctx)],
      deleteMe: [requireAuth(ctx)],
    },
  });
}

export function authHandlers(deps: AuthDeps): ServiceRoutes<AuthOperations> {
  return {
    async register({ body }) {
      return { status: 201, body: await register(deps, body) };
    },

    async login({ body }, { req }) {
      const tokens = await login(deps, {
        email: body.email,
        password: body.password,
        ip: clientIp(req),
        userAgent: req.get('user-agent') ?? null,
        totpCode: body.totpCode,
        recoveryCode: body.recoveryCode,
      });
      return { status: 200, headers: NO_STORE, body: tokens };
    },

    async refreshToken({ body }) {
      return { status: 200, headers: NO_STORE, body: await refresh(deps, body.refreshToken) };
    },

    async logout({ body }, { req }) {
      await logout(deps, currentUser(req).id, body.refreshToken);
      return { status: 204 };
    },

    async verifyEmail({ body }) {
      await verifyEmail(deps, body.token);
      return { status: 204 };
    },

    async requestPasswordReset({ body }) {
      await requestPasswordReset(deps, body.email);
      return { status: 202 };
    },

    async confirmPasswordReset({ body }) {
      await confirmPasswordReset(deps, body.token, body.newPassword);
      return { status: 204 };
    },

    async enrolTotp(_input, { req }) {
      return { status: 201, headers: NO_STORE, body: await enrolTotp(deps, currentUser(req).id) };
    },

    async confirmTotp({ body }, { req }) {
      const recoveryCodes = await confirmTotp(deps, currentUser(req).id, body.code);
      return { status: 200, headers: NO_STORE, body: { recoveryCodes } };
    },

    async disableTwoFactor({ body }, { req }) {
      await disableTwoFactor(deps, currentUser(req).id, {
        password: body.password,
        totpCode: body.totpCode,
        recoveryCode: body.recoveryCode,
        ip: clientIp(req),
      });
      return { status: 204 };
    },

    async deleteMe(_input, { req }) {
      await deleteAccount(deps, currentUser(req).id);
      return { status: 204 };
    },
  };
}
