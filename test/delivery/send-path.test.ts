import mongoose from 'mongoose';
import { ApplicationFailure } from '@temporalio/common';
import { listSinkMails, listSinkSms } from '../../dev/sink-client';
import { Delivery, deliveryId } from '../../models/delivery';
import { FrequencySlot } from '../../models/frequency-slot';
import { WebMessage } from '../../models/web-message';
import { verifyUnsubscribeToken } from '../../delivery/unsubscribe-token';
import { connectMongo, createCustomer, createSendPath, request, requireEnv, type SendPath } from '../support/delivery';

describe('the send path (deliver activity) against the real SMTP sink, Twilio sink and MongoDB', () => {
  let path: SendPath;
  const smtpSink = () => requireEnv('SMTP_SINK_URL');
  const twilioSink = () => requireEnv('TWILIO_API_URL');

  beforeAll(async () => {
    await connectMongo();
    await Promise.all([Delivery.init(), FrequencySlot.init(), WebMessage.init()]);
    path = createSendPath();
  });

  afterAll(async () => {
    path.close();
    await mongoose.disconnect();
  });

  it('sends an email with one-click unsubscribe headers, a why line and a deterministic Message-ID, once', async () => {
    const customer = await createCustomer();
    const req = request(customer.id);

    const outcome = await path.deliver(req);
    expect(outcome).toMatchObject({ status: 'sent' });
    const again = await path.deliver(req);
    expect(again).toEqual(outcome);

    const mails = await listSinkMails(smtpSink(), customer.email);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.subject).toBe('You left 1 item in your cart');
    expect(mail!.messageId).toBe(outcome.providerMessageId);
    expect(mail!.html).toContain('Tea &lt;&amp;&gt; cups');
    expect(mail!.text).toContain('because you left items in your cart');
    expect(mail!.text).not.toContain(req.workflowId);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(https?:\/\/[^>]+)>$/.exec(mail!.headers['list-unsubscribe']!)?.[1];
    expect(link).toBeDefined();
    const token = new URL(link!).searchParams.get('token')!;
    expect(verifyUnsubscribeToken(token, path.config.UNSUBSCRIBE_SECRET)).toEqual({
      customerId: customer.id,
      channel: 'email',
      topic: 'offers',
    });

    const entry = await Delivery.findById(deliveryId(req.workflowId, req.stepId)).lean();
    expect(entry).toMatchObject({
      state: 'sent',
      attempts: 1,
      providerMessageId: outcome.providerMessageId,
      to: customer.email,
    });
  });

  it('sends an SMS with a status callback carrying the ledger id, once', async () => {
    const customer = await createCustomer();
    const req = request(customer.id, { channel: 'sms' });

    const outcome = await path.deliver(req);
    expect(outcome.status).toBe('sent');
    expect(await path.deliver(req)).toEqual(outcome);

    const sms = await listSinkSms(twilioSink(), customer.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.sid).toBe(outcome.providerMessageId);
    expect(sms[0]!.body).toContain('Last call: your cart (19 EUR)');
    expect(sms[0]!.body).toContain('STOP');
    const callback = new URL(sms[0]!.statusCallback!);
    expect(callback.pathname).toBe('/v1/webhooks/twilio/status');
    expect(callback.searchParams.get('delivery')).toBe(deliveryId(req.workflowId, req.stepId));
  });

  it('blocks without consent, on a topic opt-out and on a revoked channel, and records why', async () => {
    const unknownSms = await createCustomer({ consent: { sms: { status: 'unknown' } } });
    const optedOut = await createCustomer({
      consent: { email: { status: 'granted', topics: { offers: false } }, sms: { status: 'granted' } },
    });
    const revoked = await createCustomer({ consent: { email: { status: 'revoked' } } });

    const sms = request(unknownSms.id, { channel: 'sms' });
    expect(await path.deliver(sms)).toEqual({ status: 'blocked', reason: 'no sms consent' });
    expect(await path.deliver(request(optedOut.id))).toEqual({
      status: 'blocked',
      reason: 'opted out of offers by email',
    });
    // A legally required notice skips the topic opt-out, never the channel's hard opt-out.
    expect((await path.deliver(request(optedOut.id, { legallyRequired: true }))).status).toBe('sent');
    expect(await path.deliver(request(revoked.id, { legallyRequired: true }))).toEqual({
      status: 'blocked',
      reason: 'email consent revoked',
    });

    expect(await Delivery.findById(deliveryId(sms.workflowId, sms.stepId)).lean()).toMatchObject({
      state: 'blocked',
      reason: 'no sms consent',
    });
    expect(await listSinkSms(twilioSink(), unknownSms.phone)).toEqual([]);
    expect(await listSinkMails(smtpSink(), revoked.email)).toEqual([]);
  });

  it('defers inside quiet hours in the customer’s zone until the window opens, then sends', async () => {
    const customer = await createCustomer({ timeZone: 'Asia/Tokyo' });
    // 13:30 UTC is 22:30 in Tokyo: quiet until 08:00 Tokyo = 23:00 UTC.
    const late = request(customer.id, { at: '2026-03-10T13:30:00.000Z' });
    expect(await path.deliver(late)).toEqual({
      status: 'deferred',
      reason: 'quiet hours',
      until: '2026-03-10T23:00:00.000Z',
    });
    expect(await listSinkMails(smtpSink(), customer.email)).toEqual([]);

    expect((await path.deliver({ ...late, at: '2026-03-10T23:00:00.000Z' })).status).toBe('sent');
    expect(await listSinkMails(smtpSink(), customer.email)).toHaveLength(1);

    // Web messages wait in the inbox; quiet hours do not hold them.
    const web = request(customer.id, { channel: 'web', template: 'cart-web-nudge', at: '2026-03-10T13:30:00.000Z' });
    expect((await path.deliver(web)).status).toBe('sent');
  });

  it('caps across journeys: one SMS a day, the second is capped or deferred to the next local day', async () => {
    const customer = await createCustomer({ timeZone: 'Europe/Berlin' });
    const first = request(customer.id, { channel: 'sms' });
    const other = request(customer.id, {
      channel: 'sms',
      journey: 'abandoned-cart',
      workflowId: `other/${customer.id}/x`,
    });
    expect((await path.deliver(first)).status).toBe('sent');
    expect(await path.deliver(other)).toEqual({ status: 'capped', reason: 'sms cap 1/day reached' });
    const deferring = { ...other, stepId: 'sms:2', onCap: 'defer' as const };
    expect(await path.deliver(deferring)).toEqual({
      status: 'deferred',
      reason: 'sms cap 1/day reached',
      until: '2026-03-10T23:00:00.000Z', // midnight in Berlin (UTC+1)
    });
    // Midnight is inside quiet hours: the next ask is held until 08:00 Berlin, and then it goes.
    expect(await path.deliver({ ...deferring, at: '2026-03-10T23:00:00.000Z' })).toMatchObject({
      status: 'deferred',
      until: '2026-03-11T07:00:00.000Z',
    });
    expect((await path.deliver({ ...deferring, at: '2026-03-11T07:00:00.000Z' })).status).toBe('sent');
    expect(await listSinkSms(twilioSink(), customer.phone)).toHaveLength(2);
  });

  it('holds a cap under concurrent sends without transactions', async () => {
    const customer = await createCustomer();
    const requests = Array.from({ length: 6 }, (_, i) =>
      request(customer.id, { workflowId: `journey-${i}/${customer.id}/k`, at: '2026-03-11T10:00:00.000Z' }),
    );
    const outcomes = await Promise.all(requests.map((r) => path.deliver(r)));
    const statuses = outcomes.map((o) => o.status).sort();
    expect(statuses).toEqual(['capped', 'capped', 'capped', 'sent', 'sent', 'sent']);
    expect(await listSinkMails(smtpSink(), customer.email)).toHaveLength(3);
  });

  it('records an invalid phone number as a permanent failure, frees its cap slot and never calls again', async () => {
    const customer = await createCustomer({ phone: '+15005550001' });
    const req = request(customer.id, { channel: 'sms' });
    const outcome = await path.deliver(req);
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^twilio 21211/);
    expect(await path.deliver(req)).toEqual(outcome);
    const entry = await Delivery.findById(deliveryId(req.workflowId, req.stepId)).lean();
    expect(entry).toMatchObject({ state: 'failed', attempts: 1 });
    expect(await FrequencySlot.countDocuments({ deliveryId: deliveryId(req.workflowId, req.stepId) })).toBe(0);
  });

  it('records a bounced address (SMTP 550) as failed', async () => {
    const customer = await createCustomer({ email: `x-${Date.now()}@bounce.test` });
    const outcome = await path.deliver(request(customer.id));
    expect(outcome.status).toBe('failed');
    expect(outcome.reason).toMatch(/^smtp 550/);
  });

  it('throws a retryable failure on transient errors (SMTP 451, Twilio 429) and sends on a later attempt', async () => {
    const tempfail = await createCustomer({ email: `x-${Date.now()}@tempfail.test` });
    const req = request(tempfail.id);
    const error = await path.deliver(req).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect((error as ApplicationFailure).nonRetryable).toBe(false);
    expect(await Delivery.findById(deliveryId(req.workflowId, req.stepId)).lean()).toMatchObject({ state: 'retrying' });

    const busy = await createCustomer({ phone: '+15005550010' });
    await expect(path.deliver(request(busy.id, { channel: 'sms' }))).rejects.toMatchObject({ nonRetryable: false });

    // The address is fixed between attempts: the retry sends (the `retrying` entry does not block it).
    await mongoose.model('Profile').updateOne({ _id: tempfail.id }, { $set: { email: `${tempfail.id}@example.test` } });
    expect((await path.deliver(req)).status).toBe('sent');
    expect(await Delivery.findById(deliveryId(req.workflowId, req.stepId)).lean()).toMatchObject({
      state: 'sent',
      attempts: 2,
    });
  });

  it('never resends an attempt that died between the provider call and the ledger write', async () => {
    const customer = await createCustomer();
    const req = request(customer.id);
    const id = deliveryId(req.workflowId, req.stepId);
    // What a crash inside the provider call leaves behind.
    await Delivery.create({ ...req, _id: id, state: 'sending', attempts: 1, at: new Date(req.at) });
    const outcome = await path.deliver(req);
    expect(outcome).toMatchObject({ status: 'unknown', reason: expect.stringMatching(/without an answer/) });
    expect(outcome.providerMessageId).toMatch(/^<[0-9a-f]{40}@waymark\.local>$/);
    expect(await listSinkMails(smtpSink(), customer.email)).toEqual([]);
  });

  it('stores a web message once under the ledger id, with an expiry', async () => {
    const customer = await createCustomer();
    const req = request(customer.id, { channel: 'web', template: 'cart-web-nudge' });
    const id = deliveryId(req.workflowId, req.stepId);
    // Even an attempt that died mid-way is simply redone: the message's _id is the ledger id.
    await Delivery.create({ ...req, _id: id, state: 'sending', attempts: 1, at: new Date(req.at) });
    expect(await path.deliver(req)).toEqual({ status: 'sent', providerMessageId: id });
    expect(await path.deliver(req)).toEqual({ status: 'sent', providerMessageId: id });
    const messages = await WebMessage.find({ customerId: customer.id }).lean();
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      title: 'Still thinking it over?',
      url: 'https://shop.example.test/cart/1',
      expiresAt: new Date('2026-03-24T12:00:00.000Z'),
    });
  });
});
