import mongoose from 'mongoose';
import twilio from 'twilio';
import { listSinkMails, sendInboundSms } from '../../dev/sink-client';
import { signUnsubscribeToken } from '../../delivery/unsubscribe-token';
import { EventRecord } from '../../models/event';
import { Delivery, deliveryId } from '../../models/delivery';
import { Profile } from '../../models/profile';
import { connectMongo, createCustomer, createSendPath, request, requireEnv, type SendPath } from '../support/delivery';
import { startApi, type RunningApi } from '../support/api';

// The delivery endpoints of the real server (buildServer) on a real port: mail links are followed as a mailbox
// provider and a browser follow them, the Twilio sink calls the webhooks, and events reach routing/ for real.
describe('delivery endpoints: unsubscribe, why page, Twilio webhooks, web messages', () => {
  let api: RunningApi;
  let path: SendPath;

  beforeAll(async () => {
    await connectMongo();
    api = await startApi({ UNSUBSCRIBE_SECRET: 'routes-test-secret' });
    path = createSendPath({ PUBLIC_URL: api.baseUrl, UNSUBSCRIBE_SECRET: 'routes-test-secret', FREQUENCY_CAPS: '' });
  });

  afterAll(async () => {
    path.close();
    await api.close();
    await mongoose.disconnect();
  });

  /** The consent.changed events routing/ recorded for a customer. */
  const consentEvents = (customerId: string) =>
    EventRecord.find({ customerId, signal: 'consent.changed' }).lean().exec();

  async function mailedLinks(customer: { id: string; email: string }) {
    expect((await path.deliver(request(customer.id))).status).toBe('sent');
    const [mail] = await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email);
    const unsubscribe = /^<([^>]+)>$/.exec(mail!.headers['list-unsubscribe']!)![1]!;
    const why = /Why: (\S+)/.exec(mail!.text!)![1]!;
    return { mail, unsubscribe, why };
  }

  it('one-click POST as Gmail sends it (urlencoded, RFC 8058) revokes the topic and blocks the next email', async () => {
    const customer = await createCustomer();
    const { mail, unsubscribe } = await mailedLinks(customer);
    expect(mail!.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(unsubscribe.startsWith(`${api.baseUrl}/v1/unsubscribe?token=`)).toBe(true);

    const oneClick = await fetch(unsubscribe, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': 'Mozilla/5.0 (compatible; Google-List-Unsubscribe)',
      },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const profile = await Profile.findById(customer.id).lean();
    expect(profile!.consent!.email).toMatchObject({
      status: 'granted',
      topics: { offers: false },
      source: 'unsubscribe-link',
    });
    expect(await consentEvents(customer.id)).toEqual([
      expect.objectContaining({
        data: { channel: 'email', status: 'revoked', topic: 'offers', source: 'unsubscribe-link' },
      }),
    ]);
    expect(await path.deliver(request(customer.id))).toEqual({
      status: 'blocked',
      reason: 'opted out of offers by email',
    });
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(1);
  });

  it('one-click POST as multipart/form-data (what some providers send) works the same', async () => {
    const customer = await createCustomer();
    const { unsubscribe } = await mailedLinks(customer);
    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const oneClick = await fetch(unsubscribe, { method: 'POST', body: form });
    expect(oneClick.status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.email.topics).toEqual({ offers: false });
  });

  it("the page's own button: GET shows it and changes nothing, submitting it as a browser does unsubscribes", async () => {
    const customer = await createCustomer();
    const { unsubscribe } = await mailedLinks(customer);
    const page = await fetch(unsubscribe, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect((await Profile.findById(customer.id).lean())!.consent!.email.topics).toEqual({});

    const form = /<form method="post" action="([^"]+)">.*name="([^"]+)" value="([^"]+)"/.exec(html)!;
    const action = new URL(form[1]!.replace(/&amp;/g, '&'), api.baseUrl);
    const submitted = await fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ [form[2]!]: form[3]! }).toString(),
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toContain('You will no longer receive offers emails.');
    expect((await Profile.findById(customer.id).lean())!.consent!.email.topics).toEqual({ offers: false });
  });

  it('the "why you got this" link explains the journey and offers the unsubscribe button', async () => {
    const customer = await createCustomer();
    const { why } = await mailedLinks(customer);
    expect(why.startsWith(`${api.baseUrl}/v1/why?`)).toBe(true);
    const page = await fetch(why);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Why you got this message from our abandoned cart messages');
    expect(html).toMatch(/We sent it because .+\./);
    expect(html).toContain('<button type="submit">Unsubscribe</button>');
    const forged = await fetch(why.replace(/token=[^&]+/, 'token=forged.token'), { headers: { accept: 'text/html' } });
    expect(forged.status).toBe(400);
  });

  it('refuses a forged token and one re-signed for another customer; a channel token revokes the channel', async () => {
    const customer = await createCustomer();
    const victim = await createCustomer();
    const forged = signUnsubscribeToken({ customerId: victim.id, channel: 'email' }, 'not-our-secret');
    const bad = await fetch(`${api.baseUrl}/v1/unsubscribe?token=${forged}`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: 'invalid_token', message: 'This link is not valid.', details: [] });

    // The customer's own valid token with the payload swapped for another customer's id keeps its signature: refused.
    const own = signUnsubscribeToken({ customerId: customer.id, channel: 'email' }, 'routes-test-secret');
    const otherPayload = Buffer.from(JSON.stringify({ c: victim.id, ch: 'email' })).toString('base64url');
    const swapped = `${otherPayload}.${own.split('.')[1]}`;
    expect((await fetch(`${api.baseUrl}/v1/unsubscribe?token=${swapped}`, { method: 'POST' })).status).toBe(400);
    expect((await Profile.findById(victim.id).lean())!.consent!.email.status).toBe('granted');

    expect((await fetch(`${api.baseUrl}/v1/unsubscribe?token=${own}`, { method: 'POST' })).status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.email.status).toBe('revoked');
    expect((await Profile.findById(victim.id).lean())!.consent!.email.status).toBe('granted');
  });

  it('STOP over the inbound webhook blocks the next SMS; START allows it again; HELP answers with TwiML', async () => {
    const customer = await createCustomer();
    const inbound = (body: string) =>
      sendInboundSms(requireEnv('TWILIO_API_URL'), {
        from: customer.phone,
        to: path.config.TWILIO_FROM,
        body,
        url: `${api.baseUrl}/v1/webhooks/twilio/inbound`,
      });

    const stop = await inbound(' stop ');
    expect(stop.status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.sms).toMatchObject({
      status: 'revoked',
      source: 'sms-keyword',
    });
    expect(await consentEvents(customer.id)).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ channel: 'sms', status: 'revoked' }) }),
    ]);
    expect(await path.deliver(request(customer.id, { channel: 'sms' }))).toEqual({
      status: 'blocked',
      reason: 'sms consent revoked',
    });

    await inbound('START');
    expect((await Profile.findById(customer.id).lean())!.consent!.sms.status).toBe('granted');
    expect((await path.deliver(request(customer.id, { channel: 'sms' }))).status).toBe('sent');

    const help = await inbound('HELP');
    expect(help.status).toBe(200);
    expect(help.body).toMatch(/<Response><Message>.*STOP.*<\/Message><\/Response>/);
  });

  it('answers 403 (the error shape) to a forged or altered Twilio signature, and changes nothing', async () => {
    const customer = await createCustomer();
    const form = { From: customer.phone, To: '+15005550006', Body: 'STOP', MessageSid: 'SMforged' };
    const url = `${api.baseUrl}/v1/webhooks/twilio/inbound`;
    const post = (signature: string | undefined, body: Record<string, string>) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(signature ? { 'x-twilio-signature': signature } : {}),
        },
        body: new URLSearchParams(body).toString(),
      });
    expect((await post(undefined, form)).status).toBe(403);
    const wrongKey = await post(twilio.getExpectedTwilioSignature('wrong-token', url, form), form);
    expect(wrongKey.status).toBe(403);
    expect(await wrongKey.json()).toMatchObject({ error: 'invalid_signature', details: [] });
    // Signed with an empty key: what an empty TWILIO_AUTH_TOKEN would have accepted.
    expect((await post(twilio.getExpectedTwilioSignature('', url, form), form)).status).toBe(403);
    const signed = twilio.getExpectedTwilioSignature(requireEnv('TWILIO_AUTH_TOKEN'), url, form);
    expect((await post(signed, { ...form, Body: 'START' })).status).toBe(403);
    expect((await Profile.findById(customer.id).lean())!.consent!.sms.status).toBe('granted');
    expect((await post(signed, form)).status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.sms.status).toBe('revoked');
    // The status webhook is guarded the same way.
    const status = await fetch(`${api.baseUrl}/v1/webhooks/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
      body: 'MessageSid=SMx&MessageStatus=delivered',
    });
    expect(status.status).toBe(403);
  });

  it('status callbacks land in the ledger', async () => {
    const customer = await createCustomer();
    const req = request(customer.id, { channel: 'sms' });
    expect((await path.deliver(req)).status).toBe('sent');
    const id = deliveryId(req.workflowId, req.stepId);
    const deadline = Date.now() + 10_000;
    let entry = await Delivery.findById(id).lean();
    while (entry?.providerStatus !== 'delivered' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      entry = await Delivery.findById(id).lean();
    }
    expect(entry).toMatchObject({ state: 'sent', providerStatus: 'delivered' });
  });

  it('a status callback settles a send whose ledger write was lost', async () => {
    const customer = await createCustomer();
    const req = request(customer.id, { channel: 'sms' });
    const id = deliveryId(req.workflowId, req.stepId);
    await Delivery.create({ ...req, _id: id, state: 'sending', attempts: 1, at: new Date(req.at) });
    const form = { MessageSid: 'SM0123', MessageStatus: 'sent', To: customer.phone };
    const url = `${api.baseUrl}/v1/webhooks/twilio/status?delivery=${encodeURIComponent(id)}`;
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(requireEnv('TWILIO_AUTH_TOKEN'), url, form),
      },
      body: new URLSearchParams(form).toString(),
    });
    expect(res.status).toBe(204);
    expect(await path.deliver(req)).toEqual({ status: 'sent', providerMessageId: 'SM0123' });
  });

  it('serves web messages with a customer token, streams new ones, routes seen/clicked as message.engaged', async () => {
    const customer = await createCustomer();
    const web = (step: string) =>
      request(customer.id, { channel: 'web', template: 'cart-web-nudge', stepId: step, at: new Date().toISOString() });
    const minted = await api.call('/v1/customer-tokens', { method: 'POST', json: { customerId: customer.id } });
    expect(minted.status).toBe(201);
    const { token } = (await minted.json()) as { token: string };
    const asCustomer = { headers: { authorization: `Bearer ${token}` } };

    const controller = new AbortController();
    // EventSource cannot send headers: the token rides in the query.
    const stream = await fetch(
      `${api.baseUrl}/v1/customers/${customer.id}/web-messages/stream?access_token=${encodeURIComponent(token)}`,
      { signal: controller.signal },
    );
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reader = stream.body!.getReader();
    const first = await path.deliver(web('web:1'));
    let received = '';
    const deadline = Date.now() + 10_000;
    while (!received.includes(`id: ${first.providerMessageId}`) && Date.now() < deadline) {
      const { value } = await reader.read();
      received += new TextDecoder().decode(value);
    }
    controller.abort();
    expect(received).toContain('event: message');
    expect(received).toContain('"title":"Still thinking it over?"');

    const second = await path.deliver(web('web:2'));
    const messageUrl = (id: string, action: string) =>
      `/v1/customers/${customer.id}/web-messages/${encodeURIComponent(id)}/${action}`;
    expect(
      (await api.call(messageUrl(first.providerMessageId!, 'seen'), { method: 'POST', ...asCustomer })).status,
    ).toBe(200);
    const list = (await (await api.call(`/v1/customers/${customer.id}/web-messages`, asCustomer)).json()) as {
      messages: { id: string; seenAt?: string }[];
    };
    expect(list.messages.map((m) => m.id)).toEqual([second.providerMessageId, first.providerMessageId]);

    const click = () => api.call(messageUrl(second.providerMessageId!, 'clicked'), { method: 'POST', ...asCustomer });
    expect((await click()).status).toBe(200);
    expect((await click()).status).toBe(200);
    const engaged = await EventRecord.find({ customerId: customer.id, signal: 'message.engaged' }).lean().exec();
    expect(engaged.map((e) => (e.data as { action: string }).action).sort()).toEqual(['clicked', 'seen']);
    expect(engaged.find((e) => e.eventId === `web:${second.providerMessageId}:clicked`)).toMatchObject({
      data: {
        deliveryId: second.providerMessageId,
        channel: 'web',
        journey: 'abandoned-cart',
        url: 'https://shop.example.test/cart/1',
      },
    });

    const missing = await api.call(messageUrl('no-such-message', 'seen'), { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found', details: [] });
  });
});
