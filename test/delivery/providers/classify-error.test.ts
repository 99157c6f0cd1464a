import twilio from 'twilio';
import { classifyProviderError } from '../../../delivery/providers/classify-error';
import { SmtpSendError } from '../../../delivery/providers/smtp-transport';

const twilioError = (statusCode: number, code: number) =>
  new twilio.RestException({ statusCode, body: { code, message: `twilio ${code}`, more_info: 'https://x' } });

const smtpError = (fields: { code?: string; responseCode?: number }) =>
  Object.assign(new Error('smtp failure'), fields);

describe('classifyProviderError', () => {
  it.each([
    [400, 21211],
    [400, 21610],
    [400, 21614],
    [400, 21408],
    [401, 20003],
    [404, 20404],
  ])('a Twilio %i / %i is permanent', (status, code) => {
    expect(classifyProviderError(twilioError(status, code))).toEqual({
      kind: 'permanent',
      provider: 'twilio',
      code: String(code),
      message: `twilio ${code}`,
    });
  });

  it('a Twilio 429 / 20429 (its error body: nothing was created) is transient', () => {
    expect(classifyProviderError(twilioError(429, 20429))).toMatchObject({ kind: 'transient', provider: 'twilio' });
  });

  it.each([
    [500, 20500],
    [503, 20503],
  ])('a Twilio %i / %i may come after Twilio created the message: unknown', (status, code) => {
    expect(classifyProviderError(twilioError(status, code))).toMatchObject({ kind: 'unknown', provider: 'twilio' });
  });

  it('an SMTP 5xx reply is permanent and a 4xx reply transient, whatever nodemailer code wraps it', () => {
    expect(classifyProviderError(smtpError({ code: 'EENVELOPE', responseCode: 550 }))).toMatchObject({
      kind: 'permanent',
      provider: 'smtp',
      code: '550',
    });
    expect(classifyProviderError(smtpError({ code: 'EMESSAGE', responseCode: 552 })).kind).toBe('permanent');
    expect(classifyProviderError(smtpError({ code: 'EENVELOPE', responseCode: 451 }))).toMatchObject({
      kind: 'transient',
      code: '451',
    });
    expect(classifyProviderError(smtpError({ code: 'EMESSAGE', responseCode: 421 })).kind).toBe('transient');
  });

  it('an SMTP failure without a reply: transient before the content was written, unknown after', () => {
    for (const code of ['ECONNECTION', 'ESOCKET', 'EDNS', 'ETIMEDOUT', 'ETLS']) {
      expect(classifyProviderError(new SmtpSendError(smtpError({ code }), false))).toMatchObject({
        kind: 'transient',
        provider: 'smtp',
        code,
      });
      expect(classifyProviderError(new SmtpSendError(smtpError({ code }), true))).toMatchObject({
        kind: 'unknown',
        provider: 'smtp',
        code,
      });
    }
    expect(classifyProviderError(new SmtpSendError(smtpError({ code: 'EENVELOPE' }), false)).kind).toBe('permanent');
  });

  it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'CERT_HAS_EXPIRED'])(
    'the network error %s comes before any request was written: transient',
    (code) => {
      expect(classifyProviderError(Object.assign(new Error('socket'), { code }))).toMatchObject({
        kind: 'transient',
        provider: 'network',
      });
    },
  );

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ERR_CANCELED'])(
    'the network error %s may come after the request was written: unknown',
    (code) => {
      expect(classifyProviderError(Object.assign(new Error('socket'), { code }))).toMatchObject({ kind: 'unknown' });
    },
  );

  it('an error it does not recognise is unknown: it is never retried into a second copy', () => {
    expect(classifyProviderError(new Error('surprise'))).toMatchObject({ kind: 'unknown', provider: 'unknown' });
    expect(classifyProviderError('a string')).toMatchObject({ kind: 'unknown', message: 'a string' });
  });
});
