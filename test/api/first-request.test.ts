import mongoose from 'mongoose';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config';
import { buildServer } from '../../api/server';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

// A fresh process on a fresh database: the API's first request must not race mongoose's collection and index builds.
describe('the API on a fresh database', () => {
  let app: FastifyInstance;
  let db: Awaited<ReturnType<typeof connectTestDatabase>>;
  let temporal: Awaited<ReturnType<typeof connectTemporal>>;

  beforeAll(async () => {
    temporal = await connectTemporal();
    db = await connectTestDatabase('first-request');
    const config = loadConfig({ ...process.env, API_KEYS: 'test-key', TEMPORAL_TASK_QUEUE: uniqueTaskQueue('first') });
    app = await buildServer({ config, temporal: temporal.client });
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await temporal.close();
    await db.close();
  });

  it('has every model index in place once ready', async () => {
    for (const name of mongoose.modelNames()) {
      const model = mongoose.model(name);
      const existing = (await model.collection.indexes()).map((index) => JSON.stringify(index.key));
      const declared = model.schema.indexes().map(([fields]) => JSON.stringify(fields));
      expect({ name, missing: declared.filter((key) => !existing.includes(key)) }).toEqual({ name, missing: [] });
    }
  });

  it('answers the first profile write with 200', async () => {
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/profiles/first-ann',
      headers: { 'x-api-key': 'test-key' },
      payload: { email: 'first-ann@example.com', consent: { email: { status: 'granted' } } },
    });
    expect(put.statusCode).toBe(200);
  });
});
