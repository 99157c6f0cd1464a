// GET /v1/journeys/:name/diagram (Mermaid text, behind the API key) and the diagram page's HTML, through buildServer.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config';
import { buildServer } from '../../api/server';
import { abandonedCartV1, abandonedCartV3 } from '../../journeys';
import { journeyDiagram } from '../../diagrams/journey-diagram';
import { connectTemporal, connectTestDatabase } from '../support/servers';

let app: FastifyInstance;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let db: Awaited<ReturnType<typeof connectTestDatabase>>;
const headers = { 'x-api-key': 'test-key' };

beforeAll(async () => {
  db = await connectTestDatabase('diagrams');
  temporal = await connectTemporal();
  app = await buildServer({ config: loadConfig({ ...process.env, API_KEYS: 'test-key' }), temporal: temporal.client });
});
afterAll(async () => {
  await app.close();
  await temporal.close();
  await db.close();
});

test('answers the Mermaid text of the newest version, or of the version asked for', async () => {
  const newest = await app.inject({ url: '/v1/journeys/abandoned-cart/diagram', headers });
  expect(newest.statusCode).toBe(200);
  expect(newest.headers['content-type']).toMatch(/^text\/vnd\.mermaid/);
  expect(newest.body).toBe(journeyDiagram(abandonedCartV3));
  expect(newest.body).toContain('web cart-web-nudge');

  const v1 = await app.inject({ url: '/v1/journeys/abandoned-cart/diagram?version=1', headers });
  expect(v1.body).toBe(journeyDiagram(abandonedCartV1));
  expect(v1.body).not.toContain('cart-web-nudge');
});

test('an unknown journey or version is a 404 saying what exists; a bad version a 400 naming the field', async () => {
  const unknown = await app.inject({ url: '/v1/journeys/no-such-journey/diagram', headers });
  expect(unknown.statusCode).toBe(404);
  expect(unknown.json().message).toMatch(/unknown journey "no-such-journey"; known journeys: abandoned-cart/);

  const missing = await app.inject({ url: '/v1/journeys/abandoned-cart/diagram?version=9', headers });
  expect(missing.statusCode).toBe(404);
  expect(missing.json().message).toBe('journey "abandoned-cart" has no version 9; its versions: 1, 2, 3');

  const bad = await app.inject({ url: '/v1/journeys/abandoned-cart/diagram?version=two', headers });
  expect(bad.statusCode).toBe(400);
  expect(bad.json().details[0].field).toBe('query.version');

  expect((await app.inject({ url: '/v1/journeys/abandoned-cart/diagram' })).statusCode).toBe(401);
});

test('the page embeds the escaped Mermaid text and loads Mermaid from the API itself', async () => {
  const page = await app.inject({ url: '/journeys/renewal-window' });
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.body).toContain('<script src="/assets/mermaid.min.js"></script>');
  expect(page.body).toContain('policy?.status !== &#39;active&#39;?');
  expect(page.body).toContain('Counts under each step come from journey analytics.');
  expect(page.body).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)[^"']*\.js/);

  const bundle = await app.inject({ url: '/assets/mermaid.min.js' });
  expect(bundle.statusCode).toBe(200);
  expect(bundle.headers['content-type']).toMatch(/javascript/);
  expect(bundle.rawPayload.length).toBeGreaterThan(1_000_000);

  expect((await app.inject({ url: '/journeys/abandoned-cart?version=5' })).statusCode).toBe(404);
});
