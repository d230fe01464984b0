// Compiled by `tsc --noEmit` in `npm test`, never run: each family field is typed on its events
// and absent from the others.
import {
  violetWebhooks,
  type Collection,
  type Merchant,
  type Offer,
  type Order,
  type PaymentTransaction,
  type PayoutAccount,
  type SyncStatus,
  type Transfer,
} from '../../lib';

const violet = violetWebhooks({ secret: 'type-test' });

violet.on('RELAY_ORDER_UPDATED', (e) => {
  const order: Order = e.order;
  void order;
});
violet.on('MERCHANT_DISABLED', (e) => {
  const merchant: Merchant = e.merchant;
  // @ts-expect-error a merchant event has no transfer
  void e.transfer;
  void merchant;
});
violet.on('OFFER_REMOVED', (e) => {
  const offer: Offer = e.offer;
  const price: number | null | undefined = e.offer.min_price;
  // @ts-expect-error an offer event has no order
  void e.order;
  void [offer, price];
});
violet.on('RELAY_OFFER_UPDATED', (e) => {
  const offer: Offer = e.offer;
  void offer;
});
violet.on('COLLECTION_OFFERS_UPDATED', (e) => {
  const collection: Collection = e.collection;
  // @ts-expect-error a collection event has no offer
  void e.offer;
  void collection;
});
violet.on('COLLECTION_SYNC_FAILED', (e) => {
  const sync: SyncStatus = e.sync;
  // @ts-expect-error a sync event has no collection, though its name says collection
  void e.collection;
  void sync;
});
violet.on('MERCHANT_PAYOUT_ACCOUNT_REQUIREMENTS_UPDATED', (e) => {
  const account: PayoutAccount = e.payoutAccount;
  const external: string | undefined = e.externalId;
  // @ts-expect-error a payout account event has no merchant, though its name says merchant
  void e.merchant;
  void [account, external];
});
violet.on('PAYMENT_TRANSACTION_CAPTURE_STATUS_PARTIALLY_REFUNDED', (e) => {
  const transaction: PaymentTransaction = e.transaction;
  // @ts-expect-error a payment transaction event has no transfer
  void e.transfer;
  void transaction;
});
violet.on('TRANSFER_REVERSAL_FAILED', (e) => {
  const transfer: Transfer = e.transfer;
  // Optional in Violet's API reference, and null when Violet prints it unset.
  const amount: number | null | undefined = e.transfer.amount;
  // @ts-expect-error the amount may be absent: not a number for sure
  const sure: number = e.transfer.amount;
  // @ts-expect-error the amount is a number, not a string
  const wrong: string = e.transfer.amount;
  void [transfer, amount, sure, wrong];
});
