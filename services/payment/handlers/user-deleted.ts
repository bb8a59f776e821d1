import type { PaymentHandlers } from '@kada/contracts/services/payment/index.ts';
import { revokeSubject } from '@kada/service-kit';
import type { PaymentDatabase } from '../db/schema.ts';

/** Stands in for an erased buyer on the payments kept for accounting. */
export const ERASED_USER_ID = '00000000-0000-0000-0000-000000000000';

/**
 * GDPR erasure: the user id and payment method leave every payment of the user; amounts, states and
 * PaymentIntent ids stay for accounting. (Their orders in checkout are cancelled by the order service,
 * whose order.cancelled reaches this service too.)
 */
export const userDeletedV1: PaymentHandlers<PaymentDatabase>['userDeletedV1'] = async (
  event,
  { tx, log },
) => {
  await revokeSubject(tx, event.data.userId);
  const result = await tx
    .updateTable('payments')
    .set({ user_id: ERASED_USER_ID, payment_method_id: null, updated_at: new Date().toISOString() })
    .where('user_id', '=', event.data.userId)
    .executeTakeFirst();
  log.info({ payments: Number(result.numUpdatedRows) }, 'buyer erased from payments');
};
