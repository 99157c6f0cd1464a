import twilio, { type Twilio } from 'twilio';
import { startTwilioSink, type SinkSms, type TwilioSink } from '../../dev/twilio-sink';
import { createTwilioClient } from '../../delivery/providers/twilio-client';
import { classifyProviderError } from '../../delivery/providers/classify-error';
import { clearSinkSms, listSinkSms, sendInboundSms } from '../../dev/sink-client';
import { startWebhookRecorder } from '../support/webhook-recorder';

const accountSid = `AC${'1234abcd'.repeat(4)}`;
const authToken = 'sink-test-token';
const FROM = '+15005550006';

describe('Twilio sink with the real twilio client', () => {
  let sink: TwilioSink;
  let client: Twilio;
  let app: Awaited<ReturnType<typeof startWebhookRecorder>>;

  beforeAll(async () => {
    sink = await startTwilioSink({ port: 0, accountSid, authToken });
    client = createTwilioClient({
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: authToken,
      TWILIO_API_URL: sink.url,
    });
  });

  beforeEach(async () => {
    await clearSinkSms(sink.url);
    app = await startWebhookRecorder();
  });

  afterEach(() => app.close());
  afterAll(() => sink.close());

  const sendError = (to: string, from = FROM) =>
    client.messages.create({ to, from, body: 'hello' }).then(
      () => {
        throw new Error(`expected the send to ${to} to fail`);
      },
      (err: unknown) => err as { status: number; code: number; moreInfo: string },
    );

  const sinkMessages = (): Promise<SinkSms[]> => listSinkSms(sink.url);

  it('creates a message with a Twilio-shaped response and keeps it', async () => {
    const message = await client.messages.create({ to: '+14155550123', from: FROM, body: 'Your renewal is due' });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      accountSid,
      to: '+14155550123',
      from: FROM,
      body: 'Your renewal is due',
      status: 'queued',
      numSegments: '1',
      direction: 'outbound-api',
    });
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(message.uri).toBe(`/2010-04-01/Accounts/${accountSid}/Messages/${message.sid}.json`);

    const kept = await sinkMessages();
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ sid: message.sid, to: '+14155550123', body: 'Your renewal is due' });

    const fetched = await client.messages(message.sid).fetch();
    expect(fetched.sid).toBe(message.sid);
  });

  it.each(['555-0123', '+15005550001'])('answers 400 / 21211 for the invalid number %s: permanent', async (to) => {
    const error = await sendError(to);

    expect(error).toBeInstanceOf(twilio.RestException);
    expect(error).toMatchObject({ status: 400, code: 21211, moreInfo: 'https://www.twilio.com/docs/errors/21211' });
    expect(classifyProviderError(error)).toMatchObject({ kind: 'permanent', provider: 'twilio', code: '21211' });
    expect(await sinkMessages()).toEqual([]);
  });

  it('answers 401 / 20003 to a wrong auth token', async () => {
    const wrong = createTwilioClient({
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_AUTH_TOKEN: 'wrong',
      TWILIO_API_URL: sink.url,
    });

    const error = await wrong.messages
      .create({ to: '+14155550123', from: FROM, body: 'x' })
      .catch((err: unknown) => err);

    expect(error).toMatchObject({ status: 401, code: 20003 });
    expect(await sinkMessages()).toEqual([]);
  });

  it.each([
    ['+15005550004', 400, 21610, 'permanent'],
    ['+15005550010', 429, 20429, 'transient'],
    ['+15005550011', 500, 20500, 'unknown'],
  ] as const)('answers the magic number %s with %i / %i: %s', async (to, status, code, kind) => {
    const error = await sendError(to);

    expect(error).toMatchObject({ status, code });
    expect(classifyProviderError(error).kind).toBe(kind);
  });

  it('posts signed status callbacks, sent then delivered, that twilio.validateRequest accepts', async () => {
    const statusCallback = `${app.baseUrl}/v1/webhooks/twilio/status?tenant=dev`;
    const message = await client.messages.create({ to: '+14155550123', from: FROM, body: 'hi', statusCallback });

    const callbacks = await app.waitFor(2);

    expect(callbacks.map((c) => c.params.MessageStatus)).toEqual(['sent', 'delivered']);
    for (const callback of callbacks) {
      expect(callback.url).toBe(statusCallback);
      expect(callback.params).toMatchObject({ MessageSid: message.sid, AccountSid: accountSid, To: '+14155550123' });
      expect(twilio.validateRequest(authToken, callback.signature ?? '', statusCallback, callback.params)).toBe(true);
      expect(twilio.validateRequest('another-token', callback.signature ?? '', statusCallback, callback.params)).toBe(
        false,
      );
    }
  });

  it('sends a signed inbound webhook; after STOP, sends to that number fail with 21610', async () => {
    const customer = '+14155550199';
    const inboundUrl = `${app.baseUrl}/v1/webhooks/twilio/inbound`;

    const answer = await sendInboundSms(sink.url, { from: customer, to: FROM, body: 'STOP', url: inboundUrl });

    expect(answer.status).toBe(204);
    const [inbound] = app.received;
    expect(inbound.params).toMatchObject({
      From: customer,
      To: FROM,
      Body: 'STOP',
      AccountSid: accountSid,
      NumMedia: '0',
    });
    expect(inbound.params.MessageSid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.validateRequest(authToken, inbound.signature ?? '', inboundUrl, inbound.params)).toBe(true);

    const error = await sendError(customer);
    expect(error).toMatchObject({ status: 400, code: 21610 });
    expect(classifyProviderError(error).kind).toBe('permanent');

    await sendInboundSms(sink.url, { from: customer, to: FROM, body: 'START', url: inboundUrl });
    await expect(client.messages.create({ to: customer, from: FROM, body: 'welcome back' })).resolves.toMatchObject({
      status: 'queued',
    });
  });
});
