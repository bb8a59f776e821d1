/**
 * `kada-gen init <dir>`: the files of a new service project that works as it lands: one AsyncAPI 3
 * document whose service sends `task.created.v1` and receives it, a handler implementing the
 * generated interface, main.ts, a test on a real RabbitMQ, and a README. Pure: a name in, files out;
 * the CLI writes them.
 *
 *   scaffoldProject('tasks', { genVersion: '0.1.0' })
 *   -> package.json, tsconfig.json, .gitignore, README.md, specs/tasks.yaml,
 *      src/handlers.ts, src/main.ts, test/tasks.test.ts
 *
 * The project runs TypeScript on Node's type stripping (Node >= 22.18, also needed for the
 * runtime's node:sqlite) and generates JavaScript + .d.ts (`--emit js`), so nothing in it needs
 * a build step and the generated code would also run from node_modules.
 */
import type { OutputFile } from './emit/file.ts';
import { pascalCase } from './emit/file.ts';

export interface ScaffoldOptions {
  /** Version of @kada/gen and @kada/runtime the project depends on. */
  readonly genVersion: string;
}

/** A service id from a folder name: lowercase letters, digits and dashes, starting with a letter. */
export function serviceIdOf(folderName: string): string | null {
  const id = folderName
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return /^[a-z][a-z0-9-]{0,62}$/.test(id) ? id : null;
}

export function scaffoldProject(service: string, opts: ScaffoldOptions): OutputFile[] {
  const Svc = pascalCase(service);
  const file = (path: string, lines: string[]): OutputFile => ({ path, content: `${lines.join('\n')}\n` });
  const pkg = {
    name: service,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=22.18' },
    scripts: {
      generate: 'kada-gen generate --specs specs --out generated --emit js --no-package',
      check: 'kada-gen check --specs specs --out generated --emit js --no-package',
      typecheck: 'tsc --noEmit',
      test: 'node --test test/*.test.ts',
      start: 'node src/main.ts',
    },
    dependencies: {
      '@kada/runtime': `^${opts.genVersion}`,
      // The generated validators import ajv's runtime helpers and ajv-formats' formats.
      ajv: '^8.17.0',
      'ajv-formats': '^3.0.1',
    },
    devDependencies: {
      '@kada/gen': `^${opts.genVersion}`,
      '@types/node': '^24.0.0',
      typescript: '~5.9.3',
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: 'es2023',
      lib: ['es2023'],
      module: 'nodenext',
      moduleResolution: 'nodenext',
      types: ['node'],
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: true,
      erasableSyntaxOnly: true,
      skipLibCheck: true,
    },
    include: ['src', 'test', 'generated'],
  };
  return [
    { path: 'package.json', content: `${JSON.stringify(pkg, null, 2)}\n` },
    { path: 'tsconfig.json', content: `${JSON.stringify(tsconfig, null, 2)}\n` },
    file('.gitignore', ['node_modules/', '.data/']),
    file('README.md', [
      `# ${service}`,
      '',
      `A service built on [kada-gen](https://www.npmjs.com/package/@kada/gen): its events are declared in`,
      `\`specs/${service}.yaml\` (AsyncAPI 3); \`npm run generate\` turns them into a typed publisher, a typed`,
      'handler interface, validators and RabbitMQ topology in `generated/`.',
      '',
      '```sh',
      'npm install && npm run generate     # install, then generate the code from specs/',
      'npm start                           # publish task.created.v1 and handle it (RABBITMQ_URL, default amqp://guest:guest@127.0.0.1:5672)',
      '```',
      '',
      'Until `@kada/gen` and `@kada/runtime` are on your registry, install the packed tarballs instead:',
      '`npm install path/to/kada-gen-0.1.0.tgz path/to/kada-runtime-0.1.0.tgz` (from `pnpm pack:toolkit`',
      'in the kada-mandiya repository).',
      '',
      "`npm test` publishes and consumes on the real RabbitMQ at `RABBITMQ_URL` (it uses the service's queue",
      `\`${service}\`; point it at a development vhost). \`npm run typecheck\` checks the handler against the`,
      'generated interface; `npm run check` fails when the specs have a contract error or `generated/` is stale.',
      '',
      "Requires Node.js 22.18 or newer (TypeScript runs on Node's type stripping; the runtime stores its",
      'inbox and outbox in `node:sqlite` under `.data/`, or in PostgreSQL with `DATABASE_URL=postgres://…`).',
      '',
      '## Add an event',
      '',
      `1. In \`specs/${service}.yaml\` add a channel (the routing key), a message with the Envelope trait and`,
      '   a payload schema, and a `send…` operation (and a `receive…` operation with `x-kada-consumer` if',
      '   this service reacts to it).',
      '2. `npm run generate`: the publisher gets a method; the handler interface gets a method that does',
      '   not compile until `src/handlers.ts` implements it.',
    ]),
    { path: `specs/${service}.yaml`, content: spec(service) },
    file('src/handlers.ts', [
      `import type { ${Svc}Handlers } from '../generated/services/${service}/index.js';`,
      '',
      '/** A task as this service reads it from task.created.v1. */',
      'export interface Task {',
      '  taskId: string;',
      '  title: string;',
      '}',
      '',
      '/**',
      ` * ${service}'s handlers, one per event it receives (the generated interface does not compile`,
      ' * without each). `onTask` is where the work would go; main.ts and the test pass their own.',
      ' */',
      `export function createHandlers(onTask: (task: Task) => void): ${Svc}Handlers {`,
      '  return {',
      '    async taskCreatedV1(event, ctx) {',
      "      ctx.log.info({ taskId: event.data.taskId }, 'task created');",
      '      onTask({ taskId: event.data.taskId, title: event.data.title });',
      '    },',
      '  };',
      '}',
    ]),
    file('src/main.ts', [
      '/**',
      ` * ${service}: connects to RabbitMQ (RABBITMQ_URL), consumes its queue, publishes one task.created.v1`,
      ' * and logs it when its handler runs. Ctrl-C stops it cleanly; `--once` stops after that first event.',
      ' */',
      "import { randomUUID } from 'node:crypto';",
      "import { createServiceRuntime, openDatabase } from '@kada/runtime';",
      `import { create${Svc}Publisher, register${Svc}Consumers } from '../generated/services/${service}/index.js';`,
      "import { createHandlers } from './handlers.ts';",
      '',
      `const service = '${service}';`,
      "const once = process.argv.includes('--once');",
      'const { db, dialect } = await openDatabase({ service }); // DATABASE_URL, else .data/<service>/db.sqlite',
      'const rt = createServiceRuntime({ service, db, dialect });',
      'await rt.start();',
      'rt.installSignalHandlers();',
      '',
      'const taskId = randomUUID();',
      'let handled!: () => void;',
      'const firstHandled = new Promise<void>((resolve) => {',
      '  handled = resolve;',
      '});',
      `await register${Svc}Consumers(`,
      '  rt,',
      '  createHandlers((task) => {',
      '    if (task.taskId === taskId) handled();',
      '  }),',
      ');',
      `await create${Svc}Publisher(rt.directSink).taskCreatedV1({`,
      '  taskId,',
      "  title: 'Try kada-gen',",
      '  createdAt: new Date().toISOString(),',
      '});',
      "rt.log.info({ taskId }, 'published task.created.v1');",
      'if (once) {',
      '  await firstHandled;',
      '  // stop() lets the handler finish and its message be acked before the process exits.',
      '  await rt.stop();',
      '}',
    ]),
    file(`test/${service}.test.ts`, [
      "import assert from 'node:assert/strict';",
      "import { randomUUID } from 'node:crypto';",
      "import { mkdtempSync, rmSync } from 'node:fs';",
      "import { tmpdir } from 'node:os';",
      "import { join } from 'node:path';",
      "import { after, before, test } from 'node:test';",
      "import { createServiceRuntime, openDatabase, type ServiceRuntime } from '@kada/runtime';",
      `import { create${Svc}Publisher, register${Svc}Consumers } from '../generated/services/${service}/index.js';`,
      "import { createHandlers, type Task } from '../src/handlers.ts';",
      '',
      '// The real broker at RABBITMQ_URL (default amqp://guest:guest@127.0.0.1:5672) and a throw-away SQLite file.',
      `const dir = mkdtempSync(join(tmpdir(), '${service}-test-'));`,
      'const received: Task[] = [];',
      'const waiting = new Map<string, () => void>();',
      'let rt: ServiceRuntime;',
      '',
      'before(async () => {',
      `  const { db, dialect } = await openDatabase({ service: '${service}', url: join(dir, 'db.sqlite') });`,
      `  rt = createServiceRuntime({ service: '${service}', db, dialect });`,
      '  await rt.start();',
      `  await register${Svc}Consumers(`,
      '    rt,',
      '    createHandlers((task) => {',
      '      received.push(task);',
      '      waiting.get(task.taskId)?.();',
      '    }),',
      '  );',
      '});',
      '',
      'after(async () => {',
      '  await rt?.stop();',
      '  rmSync(dir, { recursive: true, force: true });',
      '});',
      '',
      'test(`a published task.created.v1 reaches its handler, validated and exactly once`, async () => {',
      '  const taskId = randomUUID();',
      '  const handled = new Promise<void>((resolve, reject) => {',
      '    waiting.set(taskId, resolve);',
      "    setTimeout(() => reject(new Error('task.created.v1 was not handled within 15 s')), 15_000).unref();",
      '  });',
      `  await create${Svc}Publisher(rt.directSink).taskCreatedV1({`,
      '    taskId,',
      "    title: 'Write the README',",
      '    createdAt: new Date().toISOString(),',
      '  });',
      '  await handled;',
      "  assert.deepEqual(received.filter((t) => t.taskId === taskId), [{ taskId, title: 'Write the README' }]);",
      '});',
      '',
      'test(`the publisher refuses data the contract does not allow, before anything is sent`, async () => {',
      `  const publish = create${Svc}Publisher(rt.directSink);`,
      '  await assert.rejects(',
      "    publish.taskCreatedV1({ taskId: 'not-a-uuid', title: '', createdAt: new Date().toISOString() }),",
      "    (err: Error & { code?: string }) => err.code === 'KADA_VALIDATION',",
      '  );',
      '});',
    ]),
  ];
}

function spec(service: string): string {
  return `# AsyncAPI 3 contract of ${service}. It sends task.created.v1 and receives it, so that one
# process shows both halves. Add channels, messages and operations as the service grows.
asyncapi: 3.0.0
info:
  title: ${service}
  version: 1.0.0
  description: ${service} announces tasks it creates and reacts to them.
  x-kada-service: ${service}
defaultContentType: application/json
servers:
  rabbitmq:
    host: localhost:5672
    protocol: amqp
    description: Local RabbitMQ; RABBITMQ_URL overrides it.
channels:
  taskCreatedV1:
    address: task.created.v1
    title: Task created
    description: Routing key task.created.v1 on the domain.events topic exchange.
    messages:
      TaskCreatedV1: { $ref: '#/components/messages/TaskCreatedV1' }
    bindings:
      amqp:
        is: routingKey
        exchange: { name: domain.events, type: topic, durable: true, autoDelete: false, vhost: / }
        bindingVersion: 0.3.0
operations:
  sendTaskCreatedV1:
    action: send
    channel: { $ref: '#/channels/taskCreatedV1' }
    summary: A task was created.
    messages:
      - { $ref: '#/channels/taskCreatedV1/messages/TaskCreatedV1' }
  receiveTaskCreatedV1:
    action: receive
    channel: { $ref: '#/channels/taskCreatedV1' }
    summary: ${service} reacts to its own task.created.
    messages:
      - { $ref: '#/channels/taskCreatedV1/messages/TaskCreatedV1' }
    x-kada-consumer:
      queue: ${service}
      queueType: quorum
      prefetch: 20
      concurrency: 4
      maxRetries: 3
      backoff: { initialMs: 1000, multiplier: 2, maxMs: 30000 }
components:
  messages:
    TaskCreatedV1:
      name: task.created
      title: Task created
      summary: A task was created.
      contentType: application/json
      traits: [ { $ref: '#/components/messageTraits/Envelope' } ]
      x-kada-event: { type: task.created, version: 1, compatibility: full }
      payload: { $ref: '#/components/schemas/TaskCreatedV1' }
      examples:
        - name: first
          payload:
            taskId: 01920c4f-1a2b-7d3c-8e4f-5a6b7c8d9e01
            title: Try kada-gen
            createdAt: '2026-01-01T10:00:00Z'
  schemas:
    TaskCreatedV1:
      type: object
      description: Data of task.created v1.
      additionalProperties: false
      required: [taskId, title, createdAt]
      properties:
        taskId: { type: string, format: uuid, description: Id of the task. }
        title: { type: string, minLength: 1, maxLength: 200, description: What is to be done. }
        createdAt: { type: string, format: date-time, description: When it was created, RFC 3339 UTC. }
    Envelope:
      type: object
      description: The envelope around every event; its data is described by each message.
      additionalProperties: false
      required: [eventId, eventType, version, occurredAt, correlationId, causationId, producer, data]
      properties:
        eventId: { type: string, format: uuid, description: UUIDv7 of this event; the inbox deduplicates on it. }
        eventType: { type: string, pattern: '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$', description: e.g. task.created. }
        version: { type: integer, minimum: 1, description: Major version of the data schema. }
        occurredAt: { type: string, format: date-time, description: When the fact happened. }
        correlationId: { type: string, minLength: 1, maxLength: 128, description: Shared by one business flow. }
        causationId: { type: [string, 'null'], maxLength: 128, description: What caused this event; null for a root cause. }
        producer: { type: string, minLength: 1, description: The service that published the event. }
        data: { description: The event's payload. }
  messageTraits:
    Envelope:
      description: The message body is the Envelope; the message payload describes its data.
      contentType: application/json
      x-kada-envelope: { $ref: '#/components/schemas/Envelope' }
`;
}
