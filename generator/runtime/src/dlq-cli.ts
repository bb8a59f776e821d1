#!/usr/bin/env node
/**
 * pnpm dlq list                          every *.dlq queue with its message count
 * pnpm dlq show <queue> [--limit N]      dead letters with their reason headers (not consumed)
 * pnpm dlq replay <queue> [--limit N]    move dead letters back to <queue>, ids kept
 *
 * <queue> is the consumer queue (`order`) or its DLQ (`order.dlq`). RABBITMQ_URL picks the broker.
 */
import { pino } from 'pino';
import { listDeadLetterQueues, replayDeadLetters, showDeadLetters, toDlqName } from './dlq.ts';
import { describeError } from './errors.ts';

const usage = 'usage: pnpm dlq list | show <queue> [--limit N] [--json] | replay <queue> [--limit N]';

async function main(argv: string[]): Promise<number> {
  const [command, queue] = argv;
  const limitIndex = argv.indexOf('--limit');
  const limit = limitIndex >= 0 ? Number(argv[limitIndex + 1]) : undefined;
  const json = argv.includes('--json');
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    process.stderr.write(`--limit needs a positive integer\n${usage}\n`);
    return 2;
  }
  const log = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  const options = { log, ...(limit !== undefined ? { limit } : {}) };
  switch (command) {
    case 'list': {
      const queues = await listDeadLetterQueues(options);
      if (json) {
        for (const info of queues) process.stdout.write(`${JSON.stringify(info)}\n`);
      } else if (queues.length === 0) {
        process.stdout.write('no dead-letter queues\n');
      } else {
        const width = Math.max(5, ...queues.map((info) => info.queue.length));
        process.stdout.write(`${'QUEUE'.padEnd(width)}  MESSAGES\n`);
        for (const info of queues) process.stdout.write(`${info.queue.padEnd(width)}  ${info.messages}\n`);
      }
      return 0;
    }
    case 'show': {
      if (!queue) break;
      const letters = await showDeadLetters(queue, options);
      if (json) {
        for (const letter of letters) process.stdout.write(`${JSON.stringify(letter)}\n`);
        return 0;
      }
      process.stdout.write(`${toDlqName(queue)}: ${letters.length} shown (left in the queue)\n`);
      for (const letter of letters) {
        process.stdout.write(
          `- ${letter.messageId ?? '(no id)'} ${letter.type ?? ''} reason=${letter.reason} attempts=${letter.attempts ?? '?'}` +
            ` routingKey=${letter.originalRoutingKey ?? '?'} at=${letter.deadLetteredAt ?? '?'}\n` +
            (letter.error ? `    ${letter.error}\n` : ''),
        );
      }
      return 0;
    }
    case 'replay': {
      if (!queue) break;
      const { replayed, target } = await replayDeadLetters(queue, options);
      process.stdout.write(`replayed ${replayed} message(s) from ${toDlqName(queue)} to ${target}\n`);
      return 0;
    }
  }
  process.stderr.write(`${usage}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`dlq: ${describeError(error)}\n`);
    process.exitCode = 1;
  },
);
