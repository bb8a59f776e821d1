// @kada/service-kit: the wiring every Kada service shares. Explicit export list.
// The runtime's own, re-exported: uuidv7 (monotonic within a process) for routes that make ids, and
// exitOnSignal, the one shutdown-on-SIGTERM/SIGINT (startService and the gateway use it).
export { exitOnSignal, uuidv7 } from '@kada/runtime';

export type { HttpAppOptions, Listening, ReadinessCheck } from './src/app.ts';
export {
  CORRELATION_HEADER,
  correlationIdOf,
  createHttpApp,
  finishHttpApp,
  listen,
  requestTargetProblem,
} from './src/app.ts';
export type { AuthUser, Role } from './src/auth.ts';
export { bearerToken, currentUser, requireAuth, verifyAccessToken } from './src/auth.ts';
export type { ServiceConfig, ServiceName } from './src/config.ts';
export {
  DEFAULT_PORTS,
  DEFAULT_PRIVATE_KEY_FILE,
  DEFAULT_PUBLIC_KEY_FILE,
  defaultPort,
  JWT_AUDIENCE,
  JWT_ISSUER,
  loadConfig,
} from './src/config.ts';
export type { ProblemError, ProblemExtra } from './src/errors.ts';
export {
  asyncRoute,
  errorHandler,
  HttpError,
  isHttpError,
  isUniqueViolation,
  notFoundHandler,
  PROBLEM_BASE,
  PROBLEM_CONTENT_TYPE,
  problem,
} from './src/errors.ts';
export type { HandlersWithDeps } from './src/handlers.ts';
export { withDeps } from './src/handlers.ts';
export type { DevKeys } from './src/keys.ts';
export { ensureDevKeys, JWT_ALGORITHM, publicPart, TOTP_KEY_FILE_NAME } from './src/keys.ts';
export type { PagePosition } from './src/paging.ts';
export { cursorParameter, decodeCursor, pageOf } from './src/paging.ts';
export type { SubjectRevocations } from './src/revocations.ts';
export { MAX_TOKEN_AGE_SECONDS, revokeSubject } from './src/revocations.ts';
export type { KitOperationId, MountOptions, RawInput, RouteCall, ServiceRoutes } from './src/routes.ts';
export { KIT_OPERATIONS, mountRoutes } from './src/routes.ts';
export type { ColumnSpec, TableSpec } from './src/schema.ts';
export { createTables } from './src/schema.ts';
export {
  createLinkTokenOpener,
  loadSealPrivateKey,
  loadSealPublicKey,
  openToken,
  sealKeyFiles,
  sealToken,
} from './src/seal.ts';
export type { ServiceContext, ServiceOptions, StartedService } from './src/service.ts';
export { migrateService, startService } from './src/service.ts';
export type { AjvError } from './src/validate.ts';
export { toProblemErrors, validationError } from './src/validate.ts';
