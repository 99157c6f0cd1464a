import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig, type Config } from '../../config';
import { asActivityFailure } from '../../activities/deliver';
import { createSendPath as createDomainSendPath, type SendAttempt } from '../../delivery/send-path';
import { createMailer, type Mailer } from '../../delivery/providers/smtp-transport';
import { createSmsClient, type SmsClient } from '../../delivery/providers/twilio-client';
import type { DeliveryOutcome, DeliveryRequest } from '../../sdk/contracts/journey-activities';
import { Profile } from '../../models/profile';

// Shared by the delivery suites: the real servers of the Jest global setup (MONGODB_URI, SMTP_URL, ...).

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through jest (test/support/global-setup.ts starts the servers)`);
  return value;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig(process.env), QUIET_HOURS: '21:00-08:00', DEFAULT_TIME_ZONE: 'UTC', ...overrides };
}

export interface SendPath {
  config: Config;
  mailer: Mailer;
  twilio: SmsClient;
  /**
   * The send path with the deliver activity's failure mapping, one attempt judged at `attempt.at` (default: the
   * request's own time, so tests pick the instant quiet hours and caps are judged at).
   */
  deliver(request: DeliveryRequest, attempt?: Partial<SendAttempt>): Promise<DeliveryOutcome>;
  close(): void;
}

export function createSendPath(overrides: Partial<Config> = {}): SendPath {
  const config = testConfig(overrides);
  const mailer = createMailer(config);
  const twilio = createSmsClient(config);
  const send = createDomainSendPath({ config, mailer, twilio });
  return {
    config,
    mailer,
    twilio,
    deliver: (request, attempt = {}) =>
      send(request, { at: new Date(request.at), last: false, ...attempt }).catch((error: unknown) => {
        throw asActivityFailure(error);
      }),
    close: () => mailer.close(),
  };
}

export async function connectMongo(): Promise<void> {
  if (mongoose.connection.readyState !== 0) return;
  await mongoose.connect(requireEnv('MONGODB_URI'));
  // The first suite on a fresh store would otherwise write while mongoose is still building the indexes, which
  // mongo-java-server answers with "Unknown error: null".
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
}

export const uid = () => randomUUID().slice(0, 8);

/** A unique, valid (not one of Twilio's magic test numbers) E.164 number. */
export const uniquePhone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

export interface TestCustomer {
  id: string;
  email: string;
  phone: string;
}

export async function createCustomer(
  fields: { email?: string; phone?: string; timeZone?: string; consent?: Record<string, unknown> } = {},
): Promise<TestCustomer> {
  const id = `dlv-${uid()}`;
  const email = fields.email ?? `${id}@example.test`;
  const phone = fields.phone ?? uniquePhone();
  // Twilio's magic test numbers are reused across runs; the phone index is unique.
  if (fields.phone) await Profile.deleteMany({ phone: fields.phone });
  await Profile.create({
    _id: id,
    email,
    phone,
    ...(fields.timeZone ? { timeZone: fields.timeZone } : {}),
    consent: fields.consent ?? { email: { status: 'granted' }, sms: { status: 'granted' }, web: { status: 'granted' } },
  });
  return { id, email, phone };
}

/** A request for a template the engine's journeys ship (abandoned-cart's email and SMS). */
export function request(customerId: string, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  const channel = overrides.channel ?? 'email';
  return {
    workflowId: `abandoned-cart/${customerId}/${uid()}`,
    stepId: `${channel}:1`,
    journey: 'abandoned-cart',
    journeyVersion: 1,
    reason: 'you left items in your cart',
    customerId,
    channel,
    template: channel === 'sms' ? 'cart-last-call' : 'cart-reminder',
    topic: 'offers',
    data: {
      cart: {
        cartId: 'cart-1',
        items: [{ sku: 'a', name: 'Tea <&> cups', qty: 2, price: 9.5 }],
        total: 19,
        currency: 'EUR',
        url: 'https://shop.example.test/cart/1',
      },
    },
    at: '2026-03-10T12:00:00.000Z',
    onCap: 'skip',
    ...overrides,
  };
}

/**
 * A named IANA zone (one the API accepts) in which `instant` reads `localHour` o'clock, on a whole-hour offset that
 * holds for two days around it (no DST change mid-test).
 */
export function zoneWhereItIs(localHour: number, instant: Date): string {
  const offsetAt = (zone: string, at: Date) => {
    const local = new Date(at.toLocaleString('en-US', { timeZone: zone }));
    const utc = new Date(at.toLocaleString('en-US', { timeZone: 'UTC' }));
    return Math.round((local.getTime() - utc.getTime()) / 60_000);
  };
  const day = 24 * 3600_000;
  for (const zone of ['UTC', ...Intl.supportedValuesOf('timeZone')]) {
    const offset = offsetAt(zone, instant);
    if (offset % 60 !== 0 || (instant.getUTCHours() + offset / 60 + 48) % 24 !== localHour) continue;
    const before = new Date(instant.getTime() - day);
    const after = new Date(instant.getTime() + 2 * day);
    if (offsetAt(zone, before) === offset && offsetAt(zone, after) === offset) return zone;
  }
  throw new Error(`no whole-hour zone reads ${localHour}:xx at ${instant.toISOString()}`);
}
