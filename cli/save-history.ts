import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToObject } from './history-format';
import { journeyCatalog } from '../journeys';

export const HISTORIES_DIR = path.resolve(__dirname, '../test/histories');

export interface SavedHistory {
  workflowId: string;
  journey: string;
  version: number;
  file: string;
  events: number;
}

/** `abandoned-cart/cust-1/cart-9` + run → `cust-1_cart-9_<run id prefix>.json`: one file per run, no slashes. */
export function historyFileName(workflowId: string, runId: string): string {
  const rest = workflowId.split('/').slice(1).join('_') || workflowId;
  return `${rest.replace(/[^A-Za-z0-9._-]/g, '-')}_${runId.slice(0, 8)}.json`;
}

/**
 * Saves a journey run's history as test/histories/<journey>/v<N>/<file>.json, where the replay test finds it.
 * The run should be closed (a complete history covers every step); an open run is saved as far as it has got.
 */
export async function saveJourneyHistory(
  client: Client,
  workflowId: string,
  dir = HISTORIES_DIR,
): Promise<SavedHistory> {
  const handle = client.workflow.getHandle(workflowId);
  const description = await handle.describe();
  const version = journeyCatalog.find((w) => w.workflowType === description.type);
  if (!version) {
    const known = journeyCatalog.map((w) => w.workflowType).join(', ');
    throw new Error(`${workflowId} runs workflow type ${description.type}, which is no journey version (${known})`);
  }
  const history = await handle.fetchHistory();
  const folder = path.join(dir, version.journey.name, `v${version.journey.version}`);
  await mkdir(folder, { recursive: true });
  const file = path.join(folder, historyFileName(workflowId, description.runId));
  await writeFile(file, JSON.stringify(historyToObject(history), null, 1) + '\n');
  return {
    workflowId,
    journey: version.journey.name,
    version: version.journey.version,
    file,
    events: history.events?.length ?? 0,
  };
}
