import twilio from 'twilio';
import { classifyProviderError } from '../../../delivery/providers/classify-error';

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

  it.each([
    [429, 20429],
    [500, 20500],
    [503, 20503],
  ])('a Twilio %i / %i is transient', (status, code) => {
    expect(classifyProviderError(twilioError(status, code))).toMatchObject({ kind: 'transient', provider: 'twilio' });
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

  it('an envelope nodemailer cannot send (no reply code) is permanent', () => {
    expect(classifyProviderError(smtpError({ code: 'EENVELOPE' }))).toMatchObject({
      kind: 'permanent',
      code: 'EENVELOPE',
    });
  });

  it.each(['ECONNECTION', 'ESOCKET', 'EDNS'])('the nodemailer connection failure %s is transient', (code) => {
    expect(classifyProviderError(smtpError({ code }))).toMatchObject({ kind: 'transient', provider: 'smtp', code });
  });

  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND'])('the network error %s is transient', (code) => {
    expect(classifyProviderError(Object.assign(new Error('socket'), { code }))).toMatchObject({
      kind: 'transient',
      provider: 'network',
    });
  });

  it('an error it does not recognise is transient, so a retry with backoff decides', () => {
    expect(classifyProviderError(new Error('surprise'))).toMatchObject({ kind: 'transient', provider: 'unknown' });
    expect(classifyProviderError('a string')).toMatchObject({ kind: 'transient', message: 'a string' });
  });
});
