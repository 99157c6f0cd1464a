// Email, phone and anonymous ids are unique across profiles: an identify or a PUT that would take one from another
// known profile is a 409 naming both, and writes nothing. Through the real buildServer, the store and the dev server.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { loadConfig } from '../../config';
import { MergeRecord } from '../../models/merge';
import { Profile } from '../../models/profile';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

const API_KEY = 'conflict-key';
const headers = { 'x-api-key': API_KEY };

let app: FastifyInstance;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;

beforeAll(async () => {
  db = await connectTestDatabase('api-conflicts');
  await Profile.init(); // the unique indexes exist before the first write
  temporal = await connectTemporal();
  // A task queue no worker polls: these requests are about profiles, not runs.
  const config = loadConfig({ ...process.env, API_KEYS: API_KEY, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('conflicts') });
  app = await buildServer({ config, temporal: temporal.client });
});

afterAll(async () => {
  await app?.close();
  await temporal?.close();
  await db?.close();
});

/** Two known customers, each with an email and a phone of their own, and an anonymous visitor with a cart. */
async function twoCustomersAndAVisitor() {
  const suffix = randomUUID().slice(0, 8);
  const digits = String(parseInt(suffix, 16) % 10_000_000).padStart(7, '0');
  const ann = { id: `ann-${suffix}`, email: `ann-${suffix}@example.com`, phone: `+1555${digits}` };
  const bob = { id: `bob-${suffix}`, email: `bob-${suffix}@example.com`, phone: `+1666${digits}` };
  for (const { id, email, phone } of [ann, bob]) {
    const res = await app.inject({ method: 'PUT', url: `/v1/profiles/${id}`, headers, payload: { email, phone } });
    expect(res.statusCode).toBe(200);
  }
  const anonymousId = `visitor-${suffix}`;
  const event = await app.inject({
    method: 'POST',
    url: '/v1/events',
    headers,
    payload: {
      id: `${suffix}-view`,
      signal: 'product.viewed',
      anonymousId,
      data: { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example/p/tent-2p' },
    },
  });
  expect(event.statusCode).toBe(202);
  const visitorId: string = event.json().results[0].customerId;
  return { ann, bob, anonymousId, visitorId, suffix };
}

type Stored = Record<string, unknown>;
const stored = (id: string) => Profile.findById(id).lean<Stored>();
/** A profile as the request found it: what a refused write must leave untouched. */
const comparable = (doc: Stored | null) => (doc ? { ...doc, __v: undefined } : doc);

async function expectConflict(
  res: Awaited<ReturnType<FastifyInstance['inject']>>,
  error: string,
  field: string,
  profiles: string[],
) {
  expect(res.statusCode).toBe(409);
  const body = res.json();
  expect(body.error).toBe(error);
  // The message names the field and both profiles, whatever shape the details take.
  expect(body.message).toContain(field);
  for (const id of profiles) expect(body.message).toContain(id);
}

describe('POST /v1/identify', () => {
  test('an email held by another known customer is a 409 naming both; nothing is merged or attached', async () => {
    const { ann, bob, anonymousId, visitorId } = await twoCustomersAndAVisitor();
    const before = await Promise.all([ann.id, bob.id, visitorId].map(stored));

    const res = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { anonymousId, customerId: ann.id, email: bob.email },
    });

    await expectConflict(res, 'identity_conflict', 'email', [ann.id, bob.id]);
    const after = await Promise.all([ann.id, bob.id, visitorId].map(stored));
    expect(after.map(comparable)).toEqual(before.map(comparable));
    expect(after[2]).toMatchObject({ anonymous: true, anonymousIds: [anonymousId] });
    expect(after[2]!.mergedInto).toBeUndefined();
    expect(await MergeRecord.countDocuments({ anonymousId })).toBe(0);
  });

  test('a phone held by another known customer is a 409 naming both', async () => {
    const { ann, bob, anonymousId, visitorId } = await twoCustomersAndAVisitor();
    const before = await Promise.all([ann.id, bob.id, visitorId].map(stored));

    const res = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { anonymousId, customerId: ann.id, phone: bob.phone },
    });

    await expectConflict(res, 'identity_conflict', 'phone', [ann.id, bob.id]);
    expect((await Promise.all([ann.id, bob.id, visitorId].map(stored))).map(comparable)).toEqual(
      before.map(comparable),
    );
  });

  test('an email and a phone of two different customers is a 409 naming both', async () => {
    const { ann, bob, anonymousId } = await twoCustomersAndAVisitor();

    const res = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { anonymousId, email: ann.email, phone: bob.phone },
    });

    await expectConflict(res, 'identity_conflict', 'phone', [ann.id, bob.id]);
    expect(await MergeRecord.countDocuments({ anonymousId })).toBe(0);
  });

  test("a new customer id with another customer's email is a 409, and no profile is created for it", async () => {
    const { bob, anonymousId, suffix } = await twoCustomersAndAVisitor();
    const newcomer = `new-${suffix}`;

    const res = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { anonymousId, customerId: newcomer, email: bob.email.toUpperCase() },
    });

    await expectConflict(res, 'identity_conflict', 'email', [newcomer, bob.id]);
    expect(await stored(newcomer)).toBeNull();
  });
});

describe('PUT /v1/profiles/:id', () => {
  test("another customer's email is a 409 naming both, and the profile keeps what it had", async () => {
    const { ann, bob } = await twoCustomersAndAVisitor();
    const before = await stored(ann.id);

    const res = await app.inject({
      method: 'PUT',
      url: `/v1/profiles/${ann.id}`,
      headers,
      payload: { email: bob.email, firstName: 'Ann' },
    });

    await expectConflict(res, 'conflict', 'email', [ann.id, bob.id]);
    expect(comparable(await stored(ann.id))).toEqual(comparable(before));
    expect(await stored(bob.id)).toMatchObject({ email: bob.email });
  });

  test("a new profile with another customer's phone is a 409, and nothing is created", async () => {
    const { bob, suffix } = await twoCustomersAndAVisitor();
    const newcomer = `new-${suffix}`;

    const res = await app.inject({
      method: 'PUT',
      url: `/v1/profiles/${newcomer}`,
      headers,
      payload: { email: `${newcomer}@example.com`, phone: bob.phone },
    });

    await expectConflict(res, 'conflict', 'phone', [newcomer, bob.id]);
    expect(await stored(newcomer)).toBeNull();
  });

  test('an anonymous id of another customer is a 409 naming both', async () => {
    const { ann, bob, anonymousId, suffix } = await twoCustomersAndAVisitor();
    const bobsDevice = `device-${suffix}`;
    const identified = await app.inject({
      method: 'POST',
      url: '/v1/identify',
      headers,
      payload: { anonymousId: bobsDevice, customerId: bob.id },
    });
    expect(identified.statusCode).toBe(200);
    const before = await stored(ann.id);

    const res = await app.inject({
      method: 'PUT',
      url: `/v1/profiles/${ann.id}`,
      headers,
      payload: { email: ann.email, anonymousIds: [anonymousId.replace('visitor', 'other'), bobsDevice] },
    });

    await expectConflict(res, 'conflict', 'anonymousIds', [ann.id, bob.id]);
    expect(comparable(await stored(ann.id))).toEqual(comparable(before));
  });
});
