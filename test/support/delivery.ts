import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { Transporter } from 'nodemailer';
import type { Twilio } from 'twilio';
import { loadConfig, type Config } from '../../config';
import { createDeliver } from '../../activities/deliver';
import { createMailer } from '../../delivery/providers/smtp-transport';
import { createTwilioClient } from '../../delivery/providers/twilio-client';
import type { DeliveryRequest } from '../../sdk/contracts/journey-activities';
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
  mailer: Transporter;
  twilio: Twilio;
  deliver: ReturnType<typeof createDeliver>;
  close(): void;
}

export function createSendPath(overrides: Partial<Config> = {}): SendPath {
  const config = testConfig(overrides);
  const mailer = createMailer(config);
  const twilio = createTwilioClient(config);
  return { config, mailer, twilio, deliver: createDeliver({ config, mailer, twilio }), close: () => mailer.close() };
}

export async function connectMongo(): Promise<void> {
  if (mongoose.connection.readyState === 0) await mongoose.connect(requireEnv('MONGODB_URI'));
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
