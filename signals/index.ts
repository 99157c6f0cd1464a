import type { SignalDefinition } from './define-signal';
import { cartUpdated } from './cart-updated';
import { consentChanged } from './consent-changed';
import { dependentAdded } from './dependent-added';
import { dependentCovered } from './dependent-covered';
import { dependentRemoved } from './dependent-removed';
import { dependentTurning26 } from './dependent-turning-26';
import { identityResolved } from './identity-resolved';
import { messageEngaged } from './message-engaged';
import { orderCompleted } from './order-completed';
import { policyChanged } from './policy-changed';
import { policyRenewalDue } from './policy-renewal-due';
import { policyRenewed } from './policy-renewed';
import { productViewed } from './product-viewed';
import { profileUpdated } from './profile-updated';
import { segmentEntered, segmentExited } from './segment-membership';

export * from './define-signal';
export * from './limits';
export {
  cartUpdated,
  consentChanged,
  dependentAdded,
  dependentCovered,
  dependentRemoved,
  dependentTurning26,
  identityResolved,
  messageEngaged,
  orderCompleted,
  policyChanged,
  policyRenewalDue,
  policyRenewed,
  productViewed,
  profileUpdated,
  segmentEntered,
  segmentExited,
};

/** Every signal Waymark accepts, in the order the API documents them. */
export const signalCatalog: readonly SignalDefinition[] = [
  productViewed,
  cartUpdated,
  orderCompleted,
  policyRenewalDue,
  policyRenewed,
  policyChanged,
  dependentAdded,
  dependentRemoved,
  dependentTurning26,
  dependentCovered,
  profileUpdated,
  messageEngaged,
  consentChanged,
  identityResolved,
  segmentEntered,
  segmentExited,
];

const byName = new Map(signalCatalog.map((s) => [s.name, s]));

export function findSignal(name: string): SignalDefinition | undefined {
  return byName.get(name);
}
