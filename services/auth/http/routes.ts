import {
  asyncRoute,
  currentUser,
  loadOpenApi,
  openApiSchema,
  requireAuth,
  type ServiceContext,
  validateBody,
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

const spec = loadOpenApi(new URL('../../../specs/openapi/auth.yaml', import.meta.url));
const body = (name: string) => validateBody(openApiSchema(spec, name));

/** The client's address as the gateway saw it (X-Forwarded-For from a trusted proxy), IPv4-mapped made plain. */
export function clientIp(req: Request): string {
  const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The routes of specs/openapi/auth.yaml. */
export function authRoutes(app: Express, ctx: ServiceContext<AuthDatabase>, deps: AuthDeps): void {
  app.post(
    '/auth/register',
    body('RegisterRequest'),
    asyncRoute(async (req, res) => {
      const user = await register(deps, req.body);
      res.status(201).json(user);
    }),
  );

  app.post(
    '/auth/login',
    body('LoginRequest'),
    asyncRoute(async (req, res) => {
      const userAgent = req.get('user-agent') ?? null;
      const tokens = await login(deps, {
        email: req.body.email,
        password: req.body.password,
        ip: clientIp(req),
        userAgent,
      });
      res.setHeader('Cache-Control', 'no-store');
      res.json(tokens);
    }),
  );

  app.post(
    '/auth/refresh',
    body('RefreshRequest'),
    asyncRoute(async (req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      res.json(await refresh(deps, req.body.refreshToken));
    }),
  );

  app.post(
    '/auth/logout',
    requireAuth(ctx),
    body('LogoutRequest'),
    asyncRoute(async (req, res) => {
      await logout(deps, currentUser(req).id, req.body.refreshToken);
      res.status(204).end();
    }),
  );

  app.post(
    '/auth/verify-email',
    body('VerifyEmailRequest'),
    asyncRoute(async (req, res) => {
      await verifyEmail(deps, req.body.token);
      res.status(204).end();
    }),
  );

  app.post(
    '/auth/password-reset/request',
    body('PasswordResetRequest'),
    asyncRoute(async (req, res) => {
      await requestPasswordReset(deps, req.body.email);
      res.status(202).end();
    }),
  );

  app.post(
    '/auth/password-reset/confirm',
    body('PasswordResetConfirm'),
    asyncRoute(async (req, res) => {
      await confirmPasswordReset(deps, req.body.token, req.body.newPassword);
      res.status(204).end();
    }),
  );

  app.delete(
    '/auth/me',
    requireAuth(ctx),
    asyncRoute(async (req, res) => {
      await deleteAccount(deps, currentUser(req).id);
      res.status(204).end();
    }),
  );
}
