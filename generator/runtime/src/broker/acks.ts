import type { Channel, Message } from 'amqplib';

interface OpenDelivery {
  readonly message: Message;
  done: boolean;
}

/**
 * Acknowledgements for one consumer channel, coalesced: acks made in the same event-loop turn go
 * out in one `basic.ack` with `multiple` for the longest run of finished deliveries from the
 * oldest open one, and singly above the first delivery still being handled (so a slow message
 * does not hold prefetch slots). Nacks go out at once. Fewer frames for the broker and for us.
 */
export class AckBatcher {
  readonly channel: Channel;
  readonly #open = new Map<number, OpenDelivery>();
  readonly #onError: (error: unknown) => void;
  #scheduled = false;

  constructor(channel: Channel, onError: (error: unknown) => void) {
    this.channel = channel;
    this.#onError = onError;
  }

  track(message: Message): void {
    this.#open.set(message.fields.deliveryTag, { message, done: false });
  }

  ack(message: Message): void {
    const open = this.#open.get(message.fields.deliveryTag);
    if (!open) return;
    open.done = true;
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  nack(message: Message, requeue: boolean): void {
    if (!this.#open.delete(message.fields.deliveryTag)) return;
    try {
      this.channel.nack(message, false, requeue);
    } catch (error) {
      this.#onError(error);
    }
  }

  /** Sends every pending ack now. */
  flush(): void {
    this.#scheduled = false;
    let upTo: OpenDelivery | undefined;
    let blocked = false;
    const singles: OpenDelivery[] = [];
    // Map iteration follows insertion, and delivery tags only grow on a channel.
    for (const open of this.#open.values()) {
      if (!open.done) blocked = true;
      else if (blocked) singles.push(open);
      else upTo = open;
    }
    try {
      if (upTo) {
        const last = upTo.message.fields.deliveryTag;
        for (const tag of this.#open.keys()) {
          if (tag > last) break;
          this.#open.delete(tag);
        }
        this.channel.ack(upTo.message, true);
      }
      for (const open of singles) {
        this.#open.delete(open.message.fields.deliveryTag);
        this.channel.ack(open.message);
      }
    } catch (error) {
      this.#onError(error);
    }
  }
}
