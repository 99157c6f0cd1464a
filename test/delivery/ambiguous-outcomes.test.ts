// At most once, made precise, against the real sinks told to misbehave: only a failure before the request was
// written means "nothing went out"; anything later is `unknown`, settled by Twilio's message list where it can be,
// recorded otherwise, and never sent again.
import mongoose from 'mongoose';
import { Delivery, deliveryId } from '../../models/delivery';
import { FrequencySlot } from '../../models/frequency-slot';
import { sinks } from '../support/sinks';
import { connectMongo, createCustomer, createSendPath, request, type SendPath } from '../support/delivery';

describe('ambiguous provider outcomes', () => {
  let path: SendPath;
  const ledger = (req: ReturnType<typeof request>) =>
    Delivery.findById(deliveryId(req.workflowId, req.stepId, req.entryId)).lean();

  beforeAll(async () => {
    await connectMongo();
    await Promise.all([Delivery.init(), FrequencySlot.init()]);
    path = createSendPath({ QUIET_HOURS: '' });
  });
  afterEach(() => sinks.clearFaults());
  afterAll(async () => {
    path.close();
    await mongoose.disconnect();
  });

  it('SMTP reset after DATA: the mail went out once, the entry is unknown, no transport requeue, no resend', async () => {
    const customer = await createCustomer();
    await sinks.smtpFault(customer.email, 'reset-after-data', 1);
    const req = request(customer.id);

    const outcome = await path.deliver(req);
    expect(outcome).toMatchObject({ status: 'unknown' });
    expect(outcome.providerMessageId).toMatch(/^<[0-9a-f]{40}@waymark\.local>$/);
    // The sink would take a second copy now (the fault was for one mail): none comes, not even a while later.
    expect(await path.deliver(req)).toEqual(outcome);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sinks.mails(customer.email)).toHaveLength(1);
    expect(await ledger(req)).toMatchObject({ state: 'unknown', attempts: 1 });
  });

  it('SMTP connection closed after DATA: one mail, unknown; the transport does not requeue it', async () => {
    const customer = await createCustomer();
    await sinks.smtpFault(customer.email, 'close-after-data', 1);
    const req = request(customer.id);
    expect(await path.deliver(req)).toMatchObject({ status: 'unknown' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await sinks.mails(customer.email)).toHaveLength(1);
  });

  it('SMTP refusal before DATA (451 at RCPT): nothing went out, the next attempt sends', async () => {
    const customer = await createCustomer();
    await sinks.smtpFault(customer.email, 'tempfail-at-rcpt', 1);
    const req = request(customer.id);
    await expect(path.deliver(req)).rejects.toMatchObject({ nonRetryable: false });
    expect(await ledger(req)).toMatchObject({ state: 'retrying' });
    expect((await path.deliver(req)).status).toBe('sent');
    expect(await sinks.mails(customer.email)).toHaveLength(1);
  });

  it('Twilio 500 after accepting: settled as sent by the message lookup, one SMS', async () => {
    const customer = await createCustomer();
    await sinks.twilioFault(customer.phone, 'accept-then-500', { times: 1 });
    const req = request(customer.id, { channel: 'sms' });

    const outcome = await path.deliver(req);
    const [sms, ...more] = await sinks.sms(customer.phone);
    expect(more).toEqual([]);
    expect(outcome).toEqual({ status: 'sent', providerMessageId: sms!.sid });
    expect(await path.deliver(req)).toEqual(outcome);
    expect(await sinks.sms(customer.phone)).toHaveLength(1);
    expect(await ledger(req)).toMatchObject({ state: 'sent', providerMessageId: sms!.sid, attempts: 1 });
  });

  it('Twilio accepts, then the connection drops before the answer: settled as sent by the lookup, one SMS', async () => {
    const customer = await createCustomer();
    await sinks.twilioFault(customer.phone, 'accept-then-timeout', { times: 1, holdMs: 300 });
    const req = request(customer.id, { channel: 'sms' });

    const outcome = await path.deliver(req);
    const kept = await sinks.sms(customer.phone);
    expect(kept).toHaveLength(1);
    expect(outcome).toEqual({ status: 'sent', providerMessageId: kept[0]!.sid });
    expect(await path.deliver(req)).toEqual(outcome);
    expect(await sinks.sms(customer.phone)).toHaveLength(1);
  });

  it('Twilio 500 with nothing created: recorded unknown (the lookup finds nothing), never resent', async () => {
    const customer = await createCustomer();
    await sinks.twilioFault(customer.phone, 'fail-500', { times: 1 });
    const req = request(customer.id, { channel: 'sms' });

    expect(await path.deliver(req)).toMatchObject({ status: 'unknown' });
    expect(await path.deliver(req)).toMatchObject({ status: 'unknown' });
    expect(await sinks.sms(customer.phone)).toEqual([]);
    expect(await ledger(req)).toMatchObject({ state: 'unknown', attempts: 1 });
  });

  it('Twilio 4xx with its error body (429): nothing went out, the next attempt sends', async () => {
    const customer = await createCustomer({ phone: '+15005550010' });
    const req = request(customer.id, { channel: 'sms' });
    await expect(path.deliver(req)).rejects.toMatchObject({ nonRetryable: false });
    expect(await ledger(req)).toMatchObject({ state: 'retrying' });
    expect(await sinks.sms('+15005550010')).toEqual([]);
  });

  it('an SMS attempt that died after Twilio accepted is settled as sent by the lookup, not resent', async () => {
    const customer = await createCustomer();
    const req = request(customer.id, { channel: 'sms' });
    // What a worker killed between Twilio's acceptance and the ledger write leaves: the message, and `sending`.
    const first = await path.deliver(req);
    await Delivery.updateOne(
      { _id: deliveryId(req.workflowId, req.stepId, req.entryId) },
      { $set: { state: 'sending' }, $unset: { providerMessageId: '' } },
    );
    expect(await path.deliver(req)).toEqual({ status: 'sent', providerMessageId: first.providerMessageId });
    expect(await sinks.sms(customer.phone)).toHaveLength(1);
  });
});
