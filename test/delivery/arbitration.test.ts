import mongoose from 'mongoose';
import { listSinkMails } from '../../dev/sink-client';
import { journeyPriority, parseArbitrationWindow } from '../../delivery/arbitration';
import { Delivery, deliveryId } from '../../models/delivery';
import { FrequencySlot } from '../../models/frequency-slot';
import type { DeliveryRequest } from '../../sdk/contracts/journey-activities';
import { HOUR_MS } from '../../sdk/durations';
import {
  connectMongo,
  createCustomer,
  createSendPath,
  request,
  requireEnv,
  uid,
  type SendPath,
} from '../support/delivery';

const T0 = Date.parse('2026-03-10T12:00:00.000Z');
const at = (hoursAfter: number) => new Date(T0 + hoursAfter * HOUR_MS).toISOString();

/** A renewal-window offer (priority 80) for the customer, as its journey sends it. */
function renewalOffer(customerId: string, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return request(customerId, {
    workflowId: `renewal-window/${customerId}/pol-${uid()}`,
    stepId: 'email:renewal-offer',
    journey: 'renewal-window',
    template: 'renewal-offer',
    topic: 'renewals',
    reason: 'your policy is due for renewal',
    data: { policyId: 'pol-1', renewalDate: '2026-04-01' },
    ...overrides,
  });
}

describe('arbitration settings', () => {
  it('reads each journey version’s declared priority; unknown journeys get 0', () => {
    expect(journeyPriority('renewal-window', 1)).toBe(80);
    expect(journeyPriority('abandoned-cart', 2)).toBe(40);
    expect(journeyPriority('dependent-turning-26', 1)).toBe(90);
    expect(journeyPriority('abandoned-cart', 99)).toBe(40); // a version gone from the catalog: the newest's
    expect(journeyPriority('no-such-journey', 1)).toBe(0);
  });

  it('reads the window; empty turns arbitration off; a typo names the setting', () => {
    expect(parseArbitrationWindow('12 hours')).toBe(12 * HOUR_MS);
    expect(parseArbitrationWindow('')).toBeUndefined();
    expect(() => parseArbitrationWindow('12 hourz')).toThrow(/ARBITRATION_WINDOW: invalid duration/);
  });
});

describe('cross-journey arbitration in the send path (real MongoDB ledger, real SMTP sink)', () => {
  let path: SendPath;

  beforeAll(async () => {
    await connectMongo();
    await Promise.all([Delivery.init(), FrequencySlot.init()]);
    // No caps, no quiet hours: only arbitration decides here.
    path = createSendPath({ ARBITRATION_WINDOW: '12 hours', FREQUENCY_CAPS: '', QUIET_HOURS: '' });
  });
  afterAll(async () => {
    path.close();
    await mongoose.disconnect();
  });

  it('skips a lower-priority email within the window of a higher-priority one, with the reason in the ledger', async () => {
    const customer = await createCustomer();
    expect(await path.deliver(renewalOffer(customer.id, { at: at(0) }))).toMatchObject({ status: 'sent' });

    const cart = request(customer.id, { at: at(1) });
    const outcome = await path.deliver(cart);
    expect(outcome.status).toBe('capped');
    expect(outcome.reason).toBe('arbitration: email yields to renewal-window (priority 80)');
    const entry = await Delivery.findById(deliveryId(cart.workflowId, cart.stepId)).lean();
    expect(entry).toMatchObject({ state: 'capped', reason: outcome.reason, priority: 40 });
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(1);
  });

  it('defers it instead with onCap=defer, and sends once the window has passed', async () => {
    const customer = await createCustomer();
    await path.deliver(renewalOffer(customer.id, { at: at(0) }));
    const cart = request(customer.id, { at: at(2), onCap: 'defer' });
    const deferred = await path.deliver(cart);
    expect(deferred).toMatchObject({ status: 'deferred', until: new Date(T0 + 12 * HOUR_MS).toISOString() });
    expect(await path.deliver({ ...cart, at: deferred.until! })).toMatchObject({ status: 'sent' });
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(2);
  });

  it('lets the higher priority speak even right after a lower one; other channels and later times are free', async () => {
    const customer = await createCustomer();
    expect(await path.deliver(request(customer.id, { at: at(0) }))).toMatchObject({ status: 'sent' });
    expect(await path.deliver(renewalOffer(customer.id, { at: at(1) }))).toMatchObject({ status: 'sent' });
    // Another channel of the same customer is not arbitrated by the email.
    const sms = request(customer.id, { channel: 'sms', stepId: 'sms:1', at: at(2) });
    expect(await path.deliver(sms)).toMatchObject({ status: 'sent' });
    // Outside the window (12 h after the renewal offer), the cart journey speaks again.
    const later = request(customer.id, { stepId: 'email:2', at: at(13.5) });
    expect(await path.deliver(later)).toMatchObject({ status: 'sent' });
  });

  it('holds a lower priority back while a higher one is deferred to speak within the window', async () => {
    const customer = await createCustomer();
    await Delivery.create({
      _id: deliveryId(`renewal-window/${customer.id}/pol-q`, 'email:renewal-offer'),
      workflowId: `renewal-window/${customer.id}/pol-q`,
      stepId: 'email:renewal-offer',
      customerId: customer.id,
      journey: 'renewal-window',
      journeyVersion: 1,
      priority: 80,
      channel: 'email',
      template: 'renewal-offer',
      state: 'deferred',
      reason: 'quiet hours',
      at: new Date(at(0)),
      until: new Date(at(3)),
    });
    const outcome = await path.deliver(request(customer.id, { at: at(1) }));
    expect(outcome).toMatchObject({ status: 'capped' });
    expect(outcome.reason).toBe('arbitration: email yields to renewal-window (priority 80)');
  });

  it('never holds back a legally required notice, and is off with an empty window', async () => {
    const customer = await createCustomer();
    await path.deliver(renewalOffer(customer.id, { at: at(0) }));
    const notice = request(customer.id, { at: at(1), legallyRequired: true });
    expect(await path.deliver(notice)).toMatchObject({ status: 'sent' });

    const off = createSendPath({ ARBITRATION_WINDOW: '', FREQUENCY_CAPS: '', QUIET_HOURS: '' });
    try {
      expect(await off.deliver(request(customer.id, { stepId: 'email:2', at: at(2) }))).toMatchObject({
        status: 'sent',
      });
    } finally {
      off.close();
    }
  });
});
