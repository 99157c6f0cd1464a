// The journey diagram page in a real headless Chromium, for every journey version: Mermaid (served by the API from
// node_modules) renders the diagram read from the journey's code, with the step counts of the injected source.
// Screenshots are saved to test-artifacts/diagrams/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser } from 'puppeteer-core';
import { loadConfig } from '../../config';
import { buildServer } from '../../api/server';
import { journeyCatalog } from '../../journeys';
import { readJourneyFlow } from '../../diagrams/read-journey-flow';
import type { FlowNode } from '../../diagrams/journey-flow';
import { connectTemporal } from '../support/servers';
import { launchHeadlessChromium } from '../support/headless-chromium';

const SCREENSHOTS = path.resolve(__dirname, '../../test-artifacts/diagrams');

function stepNames(nodes: readonly FlowNode[]): string[] {
  return nodes.flatMap((n) =>
    n.kind === 'step'
      ? [n.name]
      : n.kind === 'branch'
        ? n.paths.flatMap((p) => stepNames(p.nodes))
        : n.kind === 'loop'
          ? stepNames(n.body)
          : [],
  );
}

let app: FastifyInstance;
let base: string;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;
let chromium: Awaited<ReturnType<typeof launchHeadlessChromium>>;
let browser: Browser;
const asked: string[] = [];

beforeAll(async () => {
  temporal = await connectTemporal();
  app = await buildServer({
    config: loadConfig({ ...process.env, API_KEYS: 'test-key' }),
    temporal: temporal.client,
    // Stands in for journey analytics: a distinct figure per journey version, so the page shows the right one.
    stepCounts: async ({ journey, version }) => {
      asked.push(`${journey} v${version}`);
      const flow = readJourneyFlow(
        journeyCatalog.find((w) => w.journey.name === journey && w.journey.version === version)!,
      );
      const first = stepNames(flow.nodes)[0];
      return { [first]: { entered: 1000 + version, 'in progress': 7 } };
    },
  });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
  chromium = await launchHeadlessChromium();
  browser = chromium.browser;
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await chromium?.close();
  await app?.close();
  await temporal?.close();
});

test.each(journeyCatalog.map((w) => [w.journey.name, w.journey.version] as const))(
  '%s v%d renders as an SVG with every step, the counts and the endings',
  async (name, version) => {
    const workflow = journeyCatalog.find((w) => w.journey.name === name && w.journey.version === version)!;
    const flow = readJourneyFlow(workflow);
    const page = await browser.newPage();
    try {
      await page.setViewport({ width: 1200, height: 900 });
      const response = await page.goto(`${base}/journeys/${name}?version=${version}`, { waitUntil: 'load' });
      expect(response?.status()).toBe(200);
      await page.waitForSelector('body[data-rendered="true"], body[data-rendered="error"]', { timeout: 30_000 });
      expect(await page.$eval('#error', (e) => e.textContent)).toBe('');

      const svgText = await page.$eval('#diagram svg', (svg) => svg.textContent ?? '');
      const steps = stepNames(flow.nodes);
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) expect(svgText).toContain(step);
      expect(svgText).toContain(`${flow.trigger} starts a run`);
      expect(svgText).toContain(`entered ${1000 + version} · in progress 7`);
      for (const ending of flow.endings) expect(svgText).toContain(ending.signal);
      const nodes = await page.$$eval('#diagram svg g.node', (all) => all.length);
      expect(nodes).toBeGreaterThan(steps.length);

      const file = path.join(SCREENSHOTS, `${name}-v${version}.png`);
      const png = await page.screenshot({ path: file, fullPage: true });
      expect(png.length).toBeGreaterThan(10_000);
    } finally {
      await page.close();
    }
  },
  60_000,
);

test('the page asked the count source for each version it drew', () => {
  expect(asked).toEqual(journeyCatalog.map((w) => `${w.journey.name} v${w.journey.version}`));
});
