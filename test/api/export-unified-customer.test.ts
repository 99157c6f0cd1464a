// The profile export tells how a customer became one profile and why their score is what it is: every merge record
// (who asked, when, from which anonymous profile, what was applied) and the score's explanation (the events that
// moved it, the anonymous visitor's included); erasing the customer erases the merges too. Through the real
// buildServer, the store and the dev server.
import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../api/server';
import { loadConfig } from '../../config';
import { MergeRecord } from '../../models/merge';
import { Profile } from '../../models/profile';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

const API_KEY = 'export-key';
const headers = { 'x-api-key': API_KEY };

let app: FastifyInstance;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;

beforeAll(async () => {
  db = await connectTestDatabase('api-export-merges');
  await Profile.init(); // the unique indexes exist before the first write
  temporal = await connectTemporal();
  // A task queue no worker polls: this suite is about what the export shows, not runs.
  const config = loadConfig({ ...process.env, API_KEYS: API_KEY, TEMPORAL_TASK_QUEUE: uniqueTaskQueue('export') });
  app = await buildServer({ config, temporal: temporal.client });
});

afterAll(async () => {
  await app?.close();
  await temporal?.close();
  await db?.close();
});

async function call(method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) {
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  expect({ url, status: res.statusCode }).toEqual({
    url,
    status: method === 'POST' && url === '/v1/events' ? 202 : 200,
  });
  return res.json();
}

const view = (id: string, who: object, minutesAgo: number) =>
  call('POST', '/v1/events', {
    id,
    signal: 'product.viewed',
    ...who,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    data: { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example/p/tent-2p' },
  });

interface Move {
  eventId: string;
  signal: string;
  at: string;
  delta: number;
}

test("an identified visitor's export lists the merge and the events that moved the merged score", async () => {
  const suffix = randomUUID().slice(0, 8);
  const customerId = `ann-${suffix}`;
  const email = `${customerId}@example.com`;
  const anonymousId = `visitor-${suffix}`;
  await call('PUT', `/v1/profiles/${customerId}`, { email });
  await view(`${suffix}-own`, { customerId }, 30);
  const visitorId: string = (await view(`${suffix}-anon-1`, { anonymousId }, 20)).results[0].customerId;
  await view(`${suffix}-anon-2`, { anonymousId }, 10);

  const identified = await call('POST', '/v1/identify', { anonymousId, email, source: 'web-login' });
  expect(identified).toMatchObject({ customerId, matchedBy: 'email', merged: { from: visitorId } });

  const exported = await call('GET', `/v1/profiles/${customerId}/export`);

  expect(exported.merges).toEqual([
    expect.objectContaining({
      id: identified.merged.mergeId,
      from: visitorId,
      into: customerId,
      anonymousId,
      matchedBy: 'email',
      by: expect.objectContaining({
        source: 'web-login',
        apiKey: createHash('sha256').update(API_KEY).digest('hex').slice(0, 12),
      }),
      state: 'done',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      fromProfile: expect.objectContaining({ _id: visitorId, anonymousIds: [anonymousId] }),
      applied: expect.any(Object),
    }),
  ]);
  const stored = await Profile.findById(customerId).lean<{ score: { value: number } }>();
  expect(exported.score).toMatchObject({ value: stored!.score.value, model: expect.any(String) });
  const moves: Move[] = exported.score.moves;
  expect(moves.map((m) => m.eventId)).toEqual([`${suffix}-own`, `${suffix}-anon-1`, `${suffix}-anon-2`]);
  for (const move of moves) {
    expect(move).toMatchObject({ signal: 'product.viewed', at: expect.any(String) });
    expect(move.delta).toBeGreaterThan(0);
  }

  // The anonymous profile merged away: its own export names the merge that took it.
  const visitorExport = await call('GET', `/v1/profiles/${visitorId}/export`);
  expect(visitorExport.merges.map((m: { id: string }) => m.id)).toEqual([identified.merged.mergeId]);

  // Erasure takes the merge records (the visitor's profile as it was) and the merged-away profile with it.
  const erased = await call('DELETE', `/v1/profiles/${customerId}`);
  expect(erased.deleted).toMatchObject({ profile: 1, merges: 1, mergedProfiles: 1 });
  expect(await MergeRecord.countDocuments({ $or: [{ into: customerId }, { from: visitorId }] })).toBe(0);
  expect(await Profile.findById(visitorId).lean()).toBeNull();
});

test('a customer who never merged exports no merges, and one with no scored event no score', async () => {
  const customerId = `bob-${randomUUID().slice(0, 8)}`;
  await call('PUT', `/v1/profiles/${customerId}`, { email: `${customerId}@example.com` });

  const exported = await call('GET', `/v1/profiles/${customerId}/export`);

  expect(exported.merges).toEqual([]);
  expect(exported.score).toBeNull();
});
