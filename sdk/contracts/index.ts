// The SDK's contracts: what activities/ implements and what journey authors and audiences are written against.
export type * from './journey-activities';
export * from './experiments';
export * from './audience';
export type * from './routing';
export * from './delivery-policy';
export type * from './segment-recheck';
export type * from './retention';
