export { createDelivery } from './create-delivery';
export type { CreateDeliveryOptions, TestDelivery } from './create-delivery';
export { samplePayload } from './sample-payloads';
export type { PayloadOf, FamilyPayloads, SampleOrder, SamplePayloadOf } from './sample-payloads';
