// The catalog's open-run counts (CLI `journeys`, GET /v1/journeys) come from Temporal visibility on the dev server.
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { abandonedCartV1, abandonedCartV2, journeyCatalog } from '../../journeys';
import type { JourneyWorkflow } from '../../sdk/define-journey';
import { WaymarkCustomerId, WaymarkJourney, WaymarkJourneyVersion } from '../../sdk/search-attributes';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { countOpenRunsByVersion, type JourneyVersionRuns } from '../../routing/open-runs';

// No worker polls this queue: the runs stay open, which is all this suite needs.
const TASK_QUEUE = 'lifecycle-open-runs';
let connection: Connection;
let client: Client;

beforeAll(async () => {
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
});
afterAll(async () => {
  await connection?.close();
});

async function open(workflow: JourneyWorkflow): Promise<WorkflowHandle> {
  const customerId = `open-runs-${randomUUID().slice(0, 8)}`;
  return client.workflow.start(workflow.workflowType, {
    workflowId: journeyWorkflowId(workflow.journey.name, customerId, 'cart-1'),
    taskQueue: TASK_QUEUE,
    args: [{ customerId, key: 'cart-1' }],
    typedSearchAttributes: [
      { key: WaymarkCustomerId, value: customerId },
      { key: WaymarkJourney, value: workflow.journey.name },
      { key: WaymarkJourneyVersion, value: workflow.journey.version },
    ],
  });
}

const countOf = (rows: JourneyVersionRuns[], version: number) =>
  rows.find((r) => r.journey === 'abandoned-cart' && r.version === version)!;

/** Visibility is eventually consistent: ask until the counts are as expected (or the test times out). */
async function countsReach(v1: number, v2: number): Promise<JourneyVersionRuns[]> {
  for (;;) {
    const rows = await countOpenRunsByVersion(client, journeyCatalog);
    if (countOf(rows, 1).openRuns === v1 && countOf(rows, 2).openRuns === v2) return rows;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('open runs are counted per journey version; closing runs lowers the count; the newest version is marked', async () => {
  const before = await countOpenRunsByVersion(client, journeyCatalog);
  expect(before.map((r) => `${r.journey} v${r.version}`)).toEqual(
    expect.arrayContaining(journeyCatalog.map((w) => `${w.journey.name} v${w.journey.version}`)),
  );
  const [v1Before, v2Before] = [countOf(before, 1).openRuns, countOf(before, 2).openRuns];

  const runs = [await open(abandonedCartV1), await open(abandonedCartV1), await open(abandonedCartV2)];
  const during = await countsReach(v1Before + 2, v2Before + 1);
  expect([countOf(during, 1).newest, countOf(during, 2).newest, countOf(during, 3).newest]).toEqual([
    false,
    false,
    true,
  ]);

  await runs[0].terminate('test: v1 run closed');
  await countsReach(v1Before + 1, v2Before + 1);
  for (const run of runs.slice(1)) await run.terminate('test cleanup');
  await countsReach(v1Before, v2Before);
});
