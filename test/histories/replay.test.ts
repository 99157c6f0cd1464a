// Every saved history of every journey version is replayed against the current workflow code: a change that would
// break runs already in flight fails the build here, naming the journey, the version and the history file.
// Capture histories with `npm run histories:capture` (docs/evolving-journeys.md).
import path from 'node:path';
import { bundleWorkflowCode, Worker, type ReplayResult } from '@temporalio/worker';
import { journeyCatalog } from '../../journeys';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';
import { journeyWorkflowType } from '../../sdk/workflow-id';
import { historyWorkflowType, loadHistory, savedHistoryFiles, type SavedHistoryFile } from './saved-histories';

const files = savedHistoryFiles();
const results = new Map<string, ReplayResult>();

beforeAll(async () => {
  const workflowBundle = process.env.WAYMARK_WORKFLOW_BUNDLE
    ? { codePath: process.env.WAYMARK_WORKFLOW_BUNDLE }
    : await bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts') });
  const histories = files.map((f) => ({ workflowId: f.file, history: loadHistory(f) }));
  // With the payload codec the worker runs with: the saved histories were captured unencrypted and must still replay.
  const dataConverter = waymarkDataConverter(loadConfig(process.env));
  const options = { workflowBundle, dataConverter, replayName: 'saved-histories' };
  for await (const result of Worker.runReplayHistories(options, histories)) {
    results.set(result.workflowId, result);
  }
}, 300_000);

test.each(journeyCatalog.map((w) => [w.journey.name, w.journey.version] as const))(
  '%s v%i has at least one saved history',
  (journey, version) => {
    const saved = files.filter((f) => f.journey === journey && f.version === version);
    if (saved.length === 0) {
      throw new Error(
        `no saved history for ${journey} v${version}: run \`npm run histories:capture\` (or ` +
          `\`npm run waymark -- histories capture <workflowId>\`) and commit test/histories/${journey}/v${version}/`,
      );
    }
  },
);

describe.each(files.map((f) => [f.file, f] as const))('saved history %s', (_name, file: SavedHistoryFile) => {
  test('was recorded by the journey version of its folder', () => {
    expect(historyWorkflowType(loadHistory(file))).toBe(journeyWorkflowType(file.journey, file.version));
  });

  test('replays on the current workflow code', () => {
    const result = results.get(file.file);
    if (!result) throw new Error(`${file.file} was not replayed`);
    if (result.error) {
      throw new Error(
        `determinism break in journey ${file.journey} v${file.version}, history ${file.file}: ` +
          `${result.error.name}: ${result.error.message}\n` +
          `Runs of ${file.journey} v${file.version} in flight would fail the same way. Put the change in a new ` +
          `version (journeys/${file.journey}/v${file.version + 1}.ts) or guard it with patched() ` +
          '(docs/evolving-journeys.md).',
      );
    }
  });
});
