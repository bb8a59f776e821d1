/**
 * Compile-time checks of the code emitted for names that clash on purpose (fixtures/clashes), run
 * by `pnpm typecheck` like handlers.ts: each name means what its contract says, and each
 * `@ts-expect-error` must see an error, or the typecheck fails.
 */
import type { Envelope as RuntimeEnvelope } from '@kada/runtime';
import type {
  Envelope,
  EventDescriptor,
  ParcelShippedV1,
  ParcelShippedV1_2,
} from '../golden/clashes/events.ts';
import { events } from '../golden/clashes/events.ts';
import type { CourierHandlers, createCourierPublisher } from '../golden/clashes/services/courier/index.ts';
import type { createPostPublisher } from '../golden/clashes/services/post/index.ts';

// events.ts's Envelope is post's paper envelope, not the runtime's: it has a size and no eventId.
export const paper: Envelope = { size: 'C5', windowed: true, inner: { size: 'DL', windowed: false } };
// @ts-expect-error the runtime's envelope fields are not a paper envelope's
export const notPaper: Envelope = { eventId: 'e', size: 'C5', windowed: true };

// events.ts's EventDescriptor is post's label message; the descriptors are still the runtime's.
export const label: EventDescriptor = { label: 'Fragile' };
void events['parcel.shipped.v1'].routingKey;
// @ts-expect-error a label has no routing key
void label.routingKey;

// Two events wanted ParcelShippedV1: post's parcel.shipped.v1 got ParcelShippedV1_2, and each
// publisher takes its own event's payload.
export function publish(
  post: ReturnType<typeof createPostPublisher>,
  courier: ReturnType<typeof createCourierPublisher>,
  shipped: ParcelShippedV1_2,
  courierShipped: ParcelShippedV1,
): void {
  void post.parcelShippedV1_2(shipped);
  void courier.parcelShippedV1(courierShipped);
  // @ts-expect-error courier's parcel_shipped payload is not post's parcel.shipped
  void post.parcelShippedV1_2(courierShipped);
}

// courier's consumer declares its own Envelope (its view) next to the runtime's, which it imports
// under an alias: the handler gets the runtime envelope around courier's view.
export const courierHandler: CourierHandlers['parcelShippedV1_2'] = async (event) => {
  const envelope: RuntimeEnvelope<unknown> = event;
  void envelope.eventId;
  void event.data.envelope.inner?.size;
  // @ts-expect-error courier's view of the paper envelope has no `windowed`
  void event.data.envelope.windowed;
};
