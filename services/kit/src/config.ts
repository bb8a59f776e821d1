/** Default HTTP ports; env PORT overrides. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  gateway: 8080,
  auth: 8081,
  user: 8082,
  product: 8083,
  order: 8084,
  payment: 8085,
  dashboard: 8086,
  stock: 8087,
  notification: 8088,
  audit: 8089,
};

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
    port: overrides.port ?? portFromEnv(env.PORT) ?? DEFAULT_PORTS[name] ?? 0,
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
