import Fastify, { type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import mongoose from 'mongoose';
import twilio from 'twilio';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { listSinkMails, sendInboundSms } from '../../dev/sink-client';
import { signUnsubscribeToken } from '../../delivery/unsubscribe-token';
import type { JourneyEvent } from '../../signals/define-signal';
import { unsubscribeRoutes } from '../../api/routes/unsubscribe';
import { twilioWebhookRoutes } from '../../api/routes/twilio-webhooks';
import { webMessageRoutes } from '../../api/routes/web-messages';
import { Delivery, deliveryId } from '../../models/delivery';
import { Profile } from '../../models/profile';
import { connectMongo, createCustomer, createSendPath, request, requireEnv, type SendPath } from '../support/delivery';

// The delivery endpoints mounted on a bare Fastify instance listening on a real port, so the Twilio sink can call
// the webhooks and mail links can be followed. `routeEvent` records what would go to routing/ (the API's wiring).
describe('delivery endpoints: unsubscribe, Twilio webhooks, web messages', () => {
  let app: FastifyInstance;
  let path: SendPath;
  let baseUrl: string;
  const routed: JourneyEvent[] = [];

  beforeAll(async () => {
    await connectMongo();
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    await app.register(formbody);
    const routeEvent = async (event: JourneyEvent) => {
      routed.push(event);
      return { eventId: event.id, duplicate: false, started: 0, signalled: 0, runs: [] };
    };
    // PUBLIC_URL is only known after listen; the plugins read it from this object when requests arrive.
    const config = {
      PUBLIC_URL: '',
      UNSUBSCRIBE_SECRET: 'routes-test-secret',
      TWILIO_AUTH_TOKEN: requireEnv('TWILIO_AUTH_TOKEN'),
    };
    await app.register(unsubscribeRoutes, { config, routeEvent });
    await app.register(twilioWebhookRoutes, { config, routeEvent });
    await app.register(webMessageRoutes, { routeEvent, streamPollMs: 100 });
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    config.PUBLIC_URL = baseUrl;
    path = createSendPath({ PUBLIC_URL: baseUrl, UNSUBSCRIBE_SECRET: config.UNSUBSCRIBE_SECRET, FREQUENCY_CAPS: '' });
  });

  afterAll(async () => {
    path.close();
    await app.close();
    await mongoose.disconnect();
  });

  beforeEach(() => {
    routed.length = 0;
  });

  it('one-click unsubscribe POST (RFC 8058) revokes the topic, tells the journeys and blocks the next email', async () => {
    const customer = await createCustomer();
    expect((await path.deliver(request(customer.id))).status).toBe('sent');
    const [mail] = await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email);
    const link = /^<([^>]+)>$/.exec(mail!.headers['list-unsubscribe']!)![1]!;
    expect(link.startsWith(`${baseUrl}/v1/unsubscribe?token=`)).toBe(true);

    // GET shows a page with a button and changes nothing (scanners follow links).
    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button>');
    expect((await Profile.findById(customer.id).lean())!.consent!.email.topics).toEqual({});

    const oneClick = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const profile = await Profile.findById(customer.id).lean();
    expect(profile!.consent!.email).toMatchObject({
      status: 'granted',
      topics: { offers: false },
      source: 'unsubscribe-link',
    });
    expect(routed).toEqual([
      expect.objectContaining({
        signal: 'consent.changed',
        customerId: customer.id,
        data: { channel: 'email', status: 'revoked', topic: 'offers', source: 'unsubscribe-link' },
      }),
    ]);

    expect(await path.deliver(request(customer.id))).toEqual({
      status: 'blocked',
      reason: 'opted out of offers by email',
    });
    expect(await listSinkMails(requireEnv('SMTP_SINK_URL'), customer.email)).toHaveLength(1);
  });

  it('a channel-wide token revokes the channel; a forged token changes nothing', async () => {
    const customer = await createCustomer();
    const forged = signUnsubscribeToken({ customerId: customer.id, channel: 'email' }, 'not-our-secret');
    const bad = await fetch(`${baseUrl}/v1/unsubscribe?token=${forged}`, { method: 'POST' });
    expect(bad.status).toBe(400);
    expect((await Profile.findById(customer.id).lean())!.consent!.email.status).toBe('granted');

    const token = signUnsubscribeToken({ customerId: customer.id, channel: 'email' }, 'routes-test-secret');
    expect((await fetch(`${baseUrl}/v1/unsubscribe?token=${token}`, { method: 'POST' })).status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.email.status).toBe('revoked');
  });

  it('STOP over the inbound webhook blocks the next SMS; START allows it again; HELP answers with TwiML', async () => {
    const customer = await createCustomer();
    const twilioSink = requireEnv('TWILIO_API_URL');
    const inbound = (body: string) =>
      sendInboundSms(twilioSink, {
        from: customer.phone,
        to: path.config.TWILIO_FROM,
        body,
        url: `${baseUrl}/v1/webhooks/twilio/inbound`,
      });

    const stop = await inbound(' stop ');
    expect(stop.status).toBe(200);
    expect((await Profile.findById(customer.id).lean())!.consent!.sms).toMatchObject({
      status: 'revoked',
      source: 'sms-keyword',
    });
    expect(routed).toEqual([
      expect.objectContaining({
        signal: 'consent.changed',
        customerId: customer.id,
        data: expect.objectContaining({ channel: 'sms', status: 'revoked' }),
      }),
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

  it('answers 403 to a forged or altered Twilio signature', async () => {
    const form = { From: '+15551230000', To: '+15005550006', Body: 'STOP', MessageSid: 'SMforged' };
    const url = `${baseUrl}/v1/webhooks/twilio/inbound`;
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
    expect((await post(twilio.getExpectedTwilioSignature('wrong-token', url, form), form)).status).toBe(403);
    const signed = twilio.getExpectedTwilioSignature(requireEnv('TWILIO_AUTH_TOKEN'), url, form);
    expect((await post(signed, { ...form, From: '+15559999999' })).status).toBe(403);
    expect((await post(signed, form)).status).toBe(200);
    // The status webhook is guarded the same way.
    const status = await fetch(`${baseUrl}/v1/webhooks/twilio/status`, {
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
    const url = `${baseUrl}/v1/webhooks/twilio/status?delivery=${encodeURIComponent(id)}`;
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

  it('serves web messages (unseen first), streams new ones and routes seen/clicked as message.engaged', async () => {
    const customer = await createCustomer();
    const web = (step: string) =>
      request(customer.id, { channel: 'web', template: 'cart-web-nudge', stepId: step, at: new Date().toISOString() });

    const controller = new AbortController();
    const stream = await fetch(`${baseUrl}/v1/customers/${customer.id}/web-messages/stream`, {
      signal: controller.signal,
    });
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
    const seen = await fetch(
      `${baseUrl}/v1/customers/${customer.id}/web-messages/${encodeURIComponent(first.providerMessageId!)}/seen`,
      {
        method: 'POST',
      },
    );
    expect(seen.status).toBe(200);
    const list = (await (await fetch(`${baseUrl}/v1/customers/${customer.id}/web-messages`)).json()) as {
      messages: { id: string; seenAt?: string }[];
    };
    expect(list.messages.map((m) => m.id)).toEqual([second.providerMessageId, first.providerMessageId]);

    const click = () =>
      fetch(
        `${baseUrl}/v1/customers/${customer.id}/web-messages/${encodeURIComponent(second.providerMessageId!)}/clicked`,
        {
          method: 'POST',
        },
      );
    expect((await click()).status).toBe(200);
    expect((await click()).status).toBe(200);
    expect(routed.map((e) => [e.signal, (e.data as { action: string }).action])).toEqual([
      ['message.engaged', 'seen'],
      ['message.engaged', 'clicked'],
    ]);
    expect(routed[1]).toMatchObject({
      customerId: customer.id,
      data: {
        deliveryId: second.providerMessageId,
        channel: 'web',
        journey: 'abandoned-cart',
        url: 'https://shop.example.test/cart/1',
      },
    });

    const other = await fetch(
      `${baseUrl}/v1/customers/someone-else/web-messages/${encodeURIComponent(second.providerMessageId!)}/seen`,
      {
        method: 'POST',
      },
    );
    expect(other.status).toBe(404);
  });
});
