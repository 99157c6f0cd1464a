import type { SmtpSinkFault } from '../../dev/smtp-sink';
import type { TwilioSinkFault } from '../../dev/twilio-sink';
import {
  clearSinkMails,
  clearSmtpSinkFaults,
  clearTwilioSinkFaults,
  setSmtpSinkFault,
  setTwilioSinkFault,
  clearSinkSms,
  listSinkMails,
  listSinkSms,
  sendInboundSms,
  waitForSinkMails,
  waitForSinkSms,
} from '../../dev/sink-client';
import { serverEnv } from './servers';

type WaitOptions = { to?: string; count?: number; timeoutMs?: number };

/** The SMTP sink and the Twilio sink of the global setup, inspected over HTTP (see dev/sink-client.ts). */
export const sinks = {
  mails: (to?: string) => listSinkMails(serverEnv('SMTP_SINK_URL'), to),
  waitForMails: (opts: WaitOptions = {}) => waitForSinkMails(serverEnv('SMTP_SINK_URL'), opts),
  clearMails: () => clearSinkMails(serverEnv('SMTP_SINK_URL')),
  sms: (to?: string) => listSinkSms(serverEnv('TWILIO_API_URL'), to),
  waitForSms: (opts: WaitOptions = {}) => waitForSinkSms(serverEnv('TWILIO_API_URL'), opts),
  clearSms: () => clearSinkSms(serverEnv('TWILIO_API_URL')),
  smtpFault: (address: string, fault: SmtpSinkFault, times?: number) =>
    setSmtpSinkFault(serverEnv('SMTP_SINK_URL'), address, fault, times),
  twilioFault: (to: string, fault: TwilioSinkFault, opts: { times?: number; holdMs?: number } = {}) =>
    setTwilioSinkFault(serverEnv('TWILIO_API_URL'), to, fault, opts),
  clearFaults: () =>
    Promise.all([clearSmtpSinkFaults(serverEnv('SMTP_SINK_URL')), clearTwilioSinkFaults(serverEnv('TWILIO_API_URL'))]),
  inboundSms: (sms: { from: string; to: string; body: string; url: string }) =>
    sendInboundSms(serverEnv('TWILIO_API_URL'), sms),
};
