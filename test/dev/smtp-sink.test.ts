import { startSmtpSink, type SinkMail, type SmtpSink } from '../../dev/smtp-sink';
import { createMailer, type Mailer } from '../../delivery/providers/smtp-transport';
import { classifyProviderError } from '../../delivery/providers/classify-error';
import { clearSinkMails, listSinkMails } from '../../dev/sink-client';

describe('SMTP sink with the real nodemailer SMTP connection', () => {
  let sink: SmtpSink;
  let mailer: Mailer;

  beforeAll(async () => {
    sink = await startSmtpSink({ smtpPort: 0, httpPort: 0 });
    mailer = createMailer({ SMTP_URL: sink.smtpUrl });
  });

  afterAll(async () => {
    mailer.close();
    await sink.close();
  });

  beforeEach(async () => {
    await clearSinkMails(sink.httpUrl);
  });

  const listMessages = (to?: string): Promise<SinkMail[]> => listSinkMails(sink.httpUrl, to);

  it('keeps a sent mail with its parts and every header, including the one-click unsubscribe headers', async () => {
    const info = await mailer.sendMail({
      from: 'Waymark <journeys@waymark.local>',
      to: 'ada@example.test',
      subject: 'Your cart misses you',
      text: 'Come back',
      html: '<p>Come <b>back</b></p>',
      headers: {
        'List-Unsubscribe': '<https://waymark.local/u/tok123>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });

    const [mail] = await listMessages('ada@example.test');
    expect(mail).toMatchObject({
      envelope: { from: 'journeys@waymark.local', to: ['ada@example.test'] },
      from: 'journeys@waymark.local',
      fromName: 'Waymark',
      to: ['ada@example.test'],
      subject: 'Your cart misses you',
      text: 'Come back',
      html: '<p>Come <b>back</b></p>',
      messageId: info.messageId,
    });
    expect(mail.headers['list-unsubscribe']).toBe('<https://waymark.local/u/tok123>');
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(mail.headers['message-id']).toBe(info.messageId);
    expect(Date.parse(mail.receivedAt)).not.toBeNaN();

    const one = await fetch(`${sink.httpUrl}/messages/${mail.id}`);
    expect(await one.json()).toEqual(mail);
    const html = await (await fetch(`${sink.httpUrl}/messages/${mail.id}/html`)).text();
    expect(html).toBe('<p>Come <b>back</b></p>');
  });

  it('filters by recipient, lists newest last, shows an inbox page and forgets on DELETE', async () => {
    await mailer.sendMail({ from: 'a@waymark.local', to: 'first@example.test', subject: 'first', text: '1' });
    await mailer.sendMail({ from: 'a@waymark.local', to: 'second@example.test', subject: 'second', text: '2' });

    expect((await listMessages()).map((m) => m.subject)).toEqual(['first', 'second']);
    expect((await listMessages('SECOND@example.test')).map((m) => m.subject)).toEqual(['second']);

    const page = await fetch(`${sink.httpUrl}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const body = await page.text();
    const [first, second] = await listMessages();
    expect(body).toContain(`/messages/${first.id}/html`);
    expect(body.indexOf(second.id)).toBeLessThan(body.indexOf(first.id));

    expect((await fetch(`${sink.httpUrl}/messages`, { method: 'DELETE' })).status).toBe(200);
    expect(await listMessages()).toEqual([]);
    expect((await fetch(`${sink.httpUrl}/messages/${first.id}`)).status).toBe(404);
  });

  it('refuses a bounce.test recipient with 550, which classifies as a permanent error', async () => {
    const error = await mailer
      .sendMail({ from: 'a@waymark.local', to: 'gone@bounce.test', subject: 's', text: 't' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );

    expect(error).toMatchObject({ code: 'EENVELOPE', responseCode: 550 });
    expect(classifyProviderError(error)).toMatchObject({ kind: 'permanent', provider: 'smtp', code: '550' });
    expect(await listMessages()).toEqual([]);
  });

  it('refuses a tempfail.test recipient with 451, which classifies as a transient error', async () => {
    const error = await mailer
      .sendMail({ from: 'a@waymark.local', to: 'busy@tempfail.test', subject: 's', text: 't' })
      .then(
        () => undefined,
        (err: unknown) => err,
      );

    expect(error).toMatchObject({ responseCode: 451 });
    expect(classifyProviderError(error)).toMatchObject({ kind: 'transient', provider: 'smtp', code: '451' });
    expect(await listMessages()).toEqual([]);
  });

  it('delivers to the accepted recipients when only some are refused', async () => {
    const info = await mailer.sendMail({
      from: 'a@waymark.local',
      to: ['ok@example.test', 'gone@bounce.test'],
      subject: 'mixed',
      text: 't',
    });

    expect(info.rejected).toEqual(['gone@bounce.test']);
    const [mail] = await listMessages();
    expect(mail.envelope.to).toEqual(['ok@example.test']);
  });

  it('keeps at most maxMessages, dropping the oldest', async () => {
    const small = await startSmtpSink({ maxMessages: 2 });
    const smallMailer = createMailer({ SMTP_URL: small.smtpUrl });
    try {
      for (const subject of ['one', 'two', 'three']) {
        await smallMailer.sendMail({ from: 'a@waymark.local', to: 'b@example.test', subject, text: subject });
      }
      const kept = (await (await fetch(`${small.httpUrl}/messages`)).json()) as SinkMail[];
      expect(kept.map((m) => m.subject)).toEqual(['two', 'three']);
    } finally {
      smallMailer.close();
      await small.close();
    }
  });
});
