/**
 * A recursive payload in a message with traits (the kada envelope trait from another file):
 * @asyncapi/parser leaves the inner `$ref` unresolved there, which failed generation with
 * "can't resolve reference #/components/schemas/Node" (schema-invalid). The model follows it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadSpecs } from '../src/load.ts';
import { buildModel } from '../src/model.ts';
import { generate } from '../src/pipeline.ts';

const here = dirname(new URL(import.meta.url).pathname);
// Inside the package, so that the emitted validators.js resolves ajv's runtime from node_modules.
const dir = mkdtempSync(join(here, '.tmp-recursive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TREE = `asyncapi: 3.0.0
info: { title: Tree, version: 1.0.0 }
x-kada-service: tree
channels:
  nodeAddedV1:
    address: tree.node.added.v1
    messages:
      NodeAddedV1:
        name: tree.node.added
        traits: [{ $ref: './common/envelope.yaml#/components/messageTraits/Envelope' }]
        payload: { $ref: '#/components/schemas/Node' }
    bindings:
      amqp: { is: routingKey, exchange: { name: domain.events, type: topic, durable: true } }
operations:
  sendNodeAddedV1:
    action: send
    channel: { $ref: '#/channels/nodeAddedV1' }
    messages: [{ $ref: '#/channels/nodeAddedV1/messages/NodeAddedV1' }]
components:
  schemas:
    Node:
      type: object
      required: [id]
      properties:
        id: { type: string }
        children: { type: array, items: { $ref: '#/components/schemas/Node' } }
`;

it('a recursive payload under the envelope trait becomes a recursive type and validator', async () => {
  const specs = join(dir, 'specs');
  mkdirSync(join(specs, 'common'), { recursive: true });
  copyFileSync(join(here, 'fixtures/clashes/common/envelope.yaml'), join(specs, 'common/envelope.yaml'));
  writeFileSync(join(specs, 'tree.yaml'), TREE);
  const loaded = await loadSpecs(specs);
  const { graph, diagnostics } = buildModel(loaded);
  const result = await generate(graph, { packageName: null, cacheDir: null });
  const errors = [...loaded.diagnostics, ...diagnostics, ...result.diagnostics].filter(
    (d) => d.severity === 'error',
  );
  expect(errors).toEqual([]);
  const events = result.files.find((f) => f.path === 'events.ts')?.content ?? '';
  expect(events).toMatch(/export interface Node \{[^}]*children\?: Node\[\];/s);
  for (const f of result.files.filter((f) => f.path.startsWith('validators.')))
    writeFileSync(join(dir, f.path), f.content);
  const validators = (await import(join(dir, 'validators.js'))) as Record<string, (data: unknown) => boolean>;
  const validate = validators.treeNodeAddedV1 as (data: unknown) => boolean;
  const envelope = (data: unknown) => ({
    eventId: '0190f5c2-7a3b-7cde-8f01-23456789abcd',
    eventType: 'tree.node.added',
    version: 1,
    occurredAt: '2026-11-30T00:00:00Z',
    correlationId: 'c-1',
    causationId: null,
    producer: 'tree',
    data,
  });
  expect(validate(envelope({ id: 'a', children: [{ id: 'b', children: [{ id: 'c' }] }] }))).toBe(true);
  // Deep in the tree, a child without its id is caught: the validator recurses.
  expect(validate(envelope({ id: 'a', children: [{ id: 'b', children: [{ children: [] }] }] }))).toBe(false);
});
