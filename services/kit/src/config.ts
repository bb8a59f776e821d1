/**
 * Every service's well-known HTTP port (env PORT overrides), in the order the platform starts them:
 * the one list for the services themselves, the gateway's default upstreams and scripts/platform.ts.
 */
export const DEFAULT_PORTS = {
  auth: 8081,
  user: 8082,
  product: 8083,
  order: 8084,
  payment: 8085,
  dashboard: 8086,
  stock: 8087,
  notification: 8088,
  audit: 8089,
  gateway: 8080,
} as const satisfies Record<string, number>;

export type ServiceName = keyof typeof DEFAULT_PORTS;

/** The well-known port of a service by name; undefined for a name that is not one of ours. */
export function defaultPort(name: string): number | undefined {
  return Object.hasOwn(DEFAULT_PORTS, name) ? DEFAULT_PORTS[name as ServiceName] : undefined;
}

export const JWT_ISSUER = 'kada-auth';
export const JWT_AUDIENCE = 'kada';
export const DEFAULT_KEYS_DIR = '.data/keys';
export const DEFAULT_PUBLIC_KEY_FILE = `${DEFAULT_KEYS_DIR}/jwt-public.jwk.json`;
export const DEFAULT_PRIVATE_KEY_FILE = `${DEFAULT_KEYS_DIR}/jwt-private.jwk.json`;

/** What a service reads from its environment, with defaults in one place. */
export interface ServiceConfig {
  /** The port asked for (0: any free port). */
  readonly port: number;
  readonly jwt: {
    readonly publicKeyFile: string;
    readonly issuer: string;
    readonly audience: string;
  };
  /** Largest JSON body accepted (express/body-parser syntax, e.g. '100kb'). */
  readonly bodyLimit: string;
  /** The environment the config was read from, for service-specific settings. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function loadConfig(
  name: string,
  overrides: { port?: number | undefined; bodyLimit?: string | undefined } = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServiceConfig {
  return {
    port: overrides.port ?? portFromEnv(env.PORT) ?? defaultPort(name) ?? 0,
    jwt: {
      publicKeyFile: env.JWT_PUBLIC_KEY_FILE || DEFAULT_PUBLIC_KEY_FILE,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    },
    bodyLimit: overrides.bodyLimit ?? env.BODY_LIMIT ?? '100kb',
    env,
  };
}

function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be 0..65535, got "${value}"`);
  return port;
}
