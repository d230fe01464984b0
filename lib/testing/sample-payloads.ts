import {
  familyOf,
  isVioletEventType,
  type EventFamily,
  type EventTypeOf,
  type VioletEventType,
} from '../event-types';
import type { FamilyPayloads } from '../generated/catalogue';
import type { Bag, Order, OrderSku } from '../generated/payloads';

export type { FamilyPayloads };

/**
 * The payload type of one event type.
 *
 * @example
 * const transfer: PayloadOf<'TRANSFER_SENT'> = samplePayload('TRANSFER_SENT'); // Transfer
 */
export type PayloadOf<T extends VioletEventType> = {
  [F in EventFamily]: T extends EventTypeOf<F> ? FamilyPayloads[F] : never;
}[EventFamily];

/**
 * The sample order: a delivered order's bags and line items may be absent or null, a sample's
 * never are, so that a test reaches them without checks.
 */
export type SampleOrder = Order & { bags: (Bag & { skus: OrderSku[] })[] };

/** What `samplePayload(type)` returns: the payload type of `type`, a `SampleOrder` for orders. */
export type SamplePayloadOf<T extends VioletEventType> =
  T extends EventTypeOf<'order'> ? SampleOrder : PayloadOf<T>;

const DATE = '2025-04-08T16:21:52+0000';

/** Bag and order state that fits each order event, so samples read like real deliveries. */
const ORDER_STATES: Partial<Record<VioletEventType, [string, string, string, string]>> = {
  // [order status, bag status, fulfillment status, financial status]
  ORDER_ACCEPTED: ['COMPLETED', 'ACCEPTED', 'PROCESSING', 'PAID'],
  ORDER_SHIPPED: ['COMPLETED', 'COMPLETED', 'SHIPPED', 'PAID'],
  ORDER_DELIVERED: ['COMPLETED', 'COMPLETED', 'DELIVERED', 'PAID'],
  ORDER_REFUNDED: ['REFUNDED', 'REFUNDED', 'PROCESSING', 'REFUNDED'],
  ORDER_RETURNED: ['COMPLETED', 'REFUNDED', 'RETURNED', 'REFUNDED'],
  ORDER_CANCELLED: ['CANCELED', 'CANCELED', 'PROCESSING', 'VOIDED'],
  ORDER_FAILED: ['COMPLETED', 'REJECTED', 'PROCESSING', 'VOIDED'],
};

function order(type: VioletEventType): SampleOrder {
  const [status, bagStatus, fulfillment, financial] = ORDER_STATES[type] ?? [
    'COMPLETED',
    'ACCEPTED',
    'PROCESSING',
    'PAID',
  ];
  const shipped = fulfillment === 'SHIPPED' || fulfillment === 'DELIVERED';
  return {
    id: 12345,
    token: 'c2f1e0d94a5b4e3f8a7b6c5d4e3f2a1b',
    user_id: 1001,
    app_id: 10,
    developer_id: 20,
    app_order_id: 'channel-order-789',
    status,
    currency: 'USD',
    customer: {
      user_id: 1001,
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: 'ada@example.com',
      phone: null,
    },
    shipping_address: {
      name: 'Ada Lovelace',
      address_1: '12 Analytical Way',
      address_2: null,
      city: 'Austin',
      state: 'TX',
      country: 'US',
      postal_code: '78701',
      phone: null,
      type: 'SHIPPING',
    },
    billing_address: {
      name: 'Ada Lovelace',
      address_1: '12 Analytical Way',
      address_2: null,
      city: 'Austin',
      state: 'TX',
      country: 'US',
      postal_code: '78701',
      phone: null,
      type: 'BILLING',
    },
    bags: [
      {
        id: 11111,
        order_id: 12345,
        merchant_id: 10001,
        app_id: 10,
        merchant_name: 'Maple & Pine Outfitters',
        external_id: '5012345678',
        status: bagStatus,
        fulfillment_status: fulfillment,
        financial_status: financial,
        currency: 'USD',
        skus: [
          {
            id: 22221,
            sku_id: 33331,
            order_id: 12345,
            bag_id: 11111,
            merchant_id: 10001,
            app_id: 10,
            external_id: '40012345',
            name: 'Trail Runner - Size 9',
            brand: 'Maple & Pine',
            thumbnail: 'https://cdn.example.com/trail-runner.jpg',
            product_type: 'PHYSICAL',
            status: bagStatus,
            quantity: 1,
            price: 8999,
            line_price: 8999,
            weight: 1.2,
            custom: false,
            available: true,
          },
          {
            id: 22222,
            sku_id: 33332,
            order_id: 12345,
            bag_id: 11111,
            merchant_id: 10001,
            app_id: 10,
            external_id: '40012346',
            name: 'Wool Socks',
            brand: 'Maple & Pine',
            thumbnail: null,
            product_type: 'PHYSICAL',
            status: bagStatus,
            quantity: 2,
            price: 1250,
            line_price: 2500,
            weight: 0.2,
            custom: false,
            available: true,
          },
        ],
        shipping_method: {
          id: 501,
          shipping_method_id: 'standard-ground',
          bag_id: 11111,
          merchant_id: 10001,
          carrier: 'USPS',
          label: 'Standard Ground',
          price: 599,
        },
        fulfillments: shipped
          ? [
              {
                id: 601,
                bag_id: 11111,
                external_id: '7001',
                status: 'SUCCESS',
                carrier: 'USPS',
                tracking_number: '9400111899223197428490',
                tracking_url:
                  'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899223197428490',
                date_created: DATE,
                date_last_modified: DATE,
              },
            ]
          : [],
        sub_total: 11499,
        shipping_total: 599,
        tax_total: 949,
        discount_total: 0,
        total: 13047,
        commission_rate: 10,
        date_created: DATE,
        date_last_modified: DATE,
      },
      {
        id: 11112,
        order_id: 12345,
        merchant_id: 10002,
        app_id: 10,
        merchant_name: 'Harbor Home Goods',
        external_id: null,
        status: 'ACCEPTED',
        fulfillment_status: 'PROCESSING',
        financial_status: 'PAID',
        currency: 'USD',
        skus: [
          {
            id: 22223,
            sku_id: 33333,
            order_id: 12345,
            bag_id: 11112,
            merchant_id: 10002,
            app_id: 10,
            external_id: 'HHG-MUG-01',
            name: 'Stoneware Mug',
            brand: 'Harbor',
            thumbnail: null,
            product_type: 'PHYSICAL',
            status: 'ACCEPTED',
            quantity: 1,
            price: 2400,
            line_price: 2400,
            weight: 0.5,
            custom: false,
            available: true,
          },
        ],
        shipping_method: {
          id: 502,
          shipping_method_id: 'flat-rate',
          bag_id: 11112,
          merchant_id: 10002,
          carrier: 'UPS',
          label: 'Flat rate',
          price: 500,
        },
        fulfillments: [],
        sub_total: 2400,
        shipping_total: 500,
        tax_total: 198,
        discount_total: 0,
        total: 3098,
        commission_rate: 12.5,
        date_created: DATE,
        date_last_modified: DATE,
      },
    ],
    sub_total: 13899,
    shipping_total: 1099,
    tax_total: 1147,
    discount_total: 0,
    total: 16145,
    date_created: DATE,
    date_submitted: DATE,
    date_last_modified: DATE,
  };
}

const SAMPLES: { [F in EventFamily]: (type: VioletEventType) => FamilyPayloads[F] } = {
  order,
  merchant: (type) => ({
    id: 10001,
    name: 'Maple & Pine Outfitters',
    platform: 'SHOPIFY',
    status:
      type === 'MERCHANT_DISCONNECTED' || type === 'MERCHANT_DISABLED' ? 'DISABLED' : 'CONNECTED',
    store_url: 'https://maple-and-pine.myshopify.com',
    email: 'ops@maple-and-pine.example.com',
    default_currency: 'USD',
    commission_rate: 10,
    connection_status: type === 'MERCHANT_NEEDS_ATTENTION' ? 'NEEDS_ATTENTION' : 'CONNECTED',
    date_created: DATE,
    date_last_modified: DATE,
  }),
  offer: (type) => ({
    id: 70001,
    merchant_id: 10001,
    external_id: '8123456789',
    name: 'Trail Runner',
    description: 'A light shoe for long days on rough ground.',
    source: 'SHOPIFY',
    seller: 'Maple & Pine Outfitters',
    vendor: 'Maple & Pine',
    type: 'PHYSICAL',
    status: type.endsWith('REMOVED') || type.endsWith('DELETED') ? 'UNAVAILABLE' : 'AVAILABLE',
    publishing_status: 'PUBLISHED',
    visible: true,
    available: true,
    min_price: 8999,
    max_price: 9499,
    currency: 'USD',
    tags: ['running', 'outdoor'],
    skus: [
      {
        id: 33331,
        offer_id: 70001,
        merchant_id: 10001,
        external_id: '40012345',
        name: 'Trail Runner - Size 9',
        currency: 'USD',
        sale_price: 8999,
        retail_price: 9999,
        in_stock: true,
        qty_available: 14,
        taxable: true,
        status: 'AVAILABLE',
        date_created: DATE,
        date_last_modified: DATE,
      },
    ],
    date_created: DATE,
    date_last_modified: DATE,
  }),
  collection: () => ({
    id: 80001,
    merchant_id: 10001,
    external_id: '29384756',
    name: 'Summer Trails',
    handle: 'summer-trails',
    description: 'Everything for the trail this summer.',
    type: 'CUSTOM',
    status: 'ACTIVE',
    date_created: DATE,
    date_last_modified: DATE,
  }),
  sync: (type) => ({
    id: 90001,
    merchant_id: 10001,
    status: type.endsWith('STARTED')
      ? 'IN_PROGRESS'
      : type.endsWith('FAILED')
        ? 'FAILED'
        : 'COMPLETED',
    total_products: 240,
    total_products_synced: type.endsWith('COMPLETED') ? 240 : 0,
    date_created: DATE,
    date_last_modified: DATE,
  }),
  payoutAccount: (type) => ({
    id: 40001,
    merchant_id: 10001,
    app_id: 10,
    is_active:
      type !== 'MERCHANT_PAYOUT_ACCOUNT_DEACTIVATED' && type !== 'MERCHANT_PAYOUT_ACCOUNT_DELETED',
    payment_provider: 'STRIPE',
    payment_provider_account_id: 'acct_1PqR2sT3uV4wX5yZ',
    payment_provider_account: {
      account_id: 'acct_1PqR2sT3uV4wX5yZ',
      account_type: 'EXPRESS',
      country_code: 'US',
      charges_enabled: true,
      payouts_enabled: true,
      requirements: { currently_due: [], past_due: [] },
    },
    errors: [],
    date_created: DATE,
    date_last_modified: DATE,
  }),
  transaction: (type) => ({
    id: 50001,
    order_id: 12345,
    payment_provider: 'STRIPE',
    payment_provider_transaction_id: 'pi_3PqR2sT3uV4wX5yZ0a1b2c3d',
    amount: 16145,
    currency: 'USD',
    status: type.endsWith('FAILED') ? 'FAILED' : 'SUCCEEDED',
    capture_status: type.endsWith('AUTHORIZED')
      ? 'UNCAPTURED'
      : type.endsWith('PARTIALLY_REFUNDED')
        ? 'PARTIALLY_REFUNDED'
        : type.endsWith('REFUNDED')
          ? 'REFUNDED'
          : 'CAPTURED',
    date_created: DATE,
    date_last_modified: DATE,
  }),
  transfer: (type) => ({
    id: 60001,
    merchant_id: 10001,
    payment_provider: 'STRIPE',
    payment_provider_id: 'tr_1PqR2sT3uV4wX5yZ',
    payout_account_id: 40001,
    amount: 11742,
    currency: 'USD',
    status: type.replace('TRANSFER_', ''),
    related_orders: ['12345'],
    related_bags: ['11111'],
    errors: [],
    date_created: DATE,
    date_last_modified: DATE,
  }),
};

/**
 * A realistic, schema-valid body for a known event type, to copy into tests.
 * A fresh object each call: change it freely.
 *
 * @example
 * const order = samplePayload('ORDER_SHIPPED');
 * order.bags[0].fulfillments = [];
 */
export function samplePayload<T extends VioletEventType>(type: T): SamplePayloadOf<T> {
  if (!isVioletEventType(type)) {
    throw new TypeError(
      `express-violet-webhooks: samplePayload: ${String(type)} is not a known event type`,
    );
  }
  const family = familyOf(type);
  return SAMPLES[family](type) as SamplePayloadOf<T>;
}
