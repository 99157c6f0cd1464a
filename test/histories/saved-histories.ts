import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { temporal } from '@temporalio/proto';
import { historyFromObject } from '../../cli/history-format';

export const HISTORIES_DIR = __dirname;

export interface SavedHistoryFile {
  journey: string;
  version: number;
  /** Relative to test/histories, e.g. `abandoned-cart/v1/cust-1_cart-1_1a2b3c4d.json`. */
  file: string;
}

/** Every saved history: test/histories/<journey>/v<N>/*.json. */
export function savedHistoryFiles(dir = HISTORIES_DIR): SavedHistoryFile[] {
  const files: SavedHistoryFile[] = [];
  for (const journey of readdirSync(dir, { withFileTypes: true })) {
    if (!journey.isDirectory()) continue;
    for (const versionDir of readdirSync(path.join(dir, journey.name), { withFileTypes: true })) {
      const version = /^v(\d+)$/.exec(versionDir.name);
      if (!versionDir.isDirectory() || !version) continue;
      const folder = path.join(dir, journey.name, versionDir.name);
      for (const name of readdirSync(folder)
        .filter((f) => f.endsWith('.json'))
        .sort()) {
        files.push({
          journey: journey.name,
          version: Number(version[1]),
          file: path.join(journey.name, versionDir.name, name),
        });
      }
    }
  }
  return files;
}

export function loadHistory(file: SavedHistoryFile, dir = HISTORIES_DIR): temporal.api.history.v1.History {
  const full = path.join(dir, file.file);
  if (!existsSync(full)) throw new Error(`saved history ${file.file} does not exist`);
  return historyFromObject(JSON.parse(readFileSync(full, 'utf8')));
}

/** The workflow type the history was recorded under (its first event). */
export function historyWorkflowType(history: temporal.api.history.v1.IHistory): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? undefined;
}
