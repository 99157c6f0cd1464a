// The layering of docs/architecture.md, pinned: every arrow between folders points one way, journey versions stand
// alone, there is no import circle, and a promise nobody awaits is an error (type-aware lint). All probes are linted
// in one ESLint process, with the project's real config.
import { lintAll, type LintProbe } from '../support/eslint';

const forbidden: Array<[string, string]> = [
  ['sdk/lint-probe.ts', "import type { WaymarkActivities } from '../activities';"],
  ['signals/lint-probe.ts', "import type { JourneyWorkflow } from '../sdk/define-journey';"],
  ['models/lint-probe.ts', "import type { Config } from '../config';"],
  ['delivery/lint-probe.ts', "import type { RouterDeps } from '../routing/event-router';"],
  ['activities/lint-probe.ts', "import { createEventRouter } from '../routing/event-router';"],
  ['routing/lint-probe.ts', "import { createActivities } from '../activities';"],
  ['api/lint-probe.ts', "import { formatTable } from '../cli/table';"],
  ['api/lint-probe.ts', "import { createWaymarkWorker } from '../worker/create-worker';"],
  ['cli/lint-probe.ts', "import { buildServer } from '../api/server';"],
  ['diagrams/lint-probe.ts', "import { createEventRouter } from '../routing/event-router';"],
  ['testing/lint-probe.ts', "import { buildServer } from '../api/server';"],
  ['worker/lint-probe.ts', "import { startJourneyTestKit } from '../testing';"],
  ['codec/lint-probe.ts', "import { Profile } from '../models/profile';"],
  ['routing/lint-probe.ts', "import { eraseCustomer } from '../privacy/erase-customer';"],
  ['privacy/lint-probe.ts', "import { buildServer } from '../api/server';"],
  ['sdk/lint-probe.ts', "import { waymarkDataConverter } from '../codec/data-converter';"],
  ['delivery/lint-probe.ts', "import { waymarkDataConverter } from '../codec/data-converter';"],
  ['metrics/lint-probe.ts', "import { Delivery } from '../models/delivery';"],
  ['analytics/lint-probe.ts', "import { createDeliver } from '../activities/deliver';"],
  ['analytics/lint-probe.ts', "import { registry } from '../metrics/registry';"],
  ['routing/lint-probe.ts', "import { journeyStats } from '../analytics/journey-stats';"],
];

const allowed: Array<[string, string]> = [
  ['sdk/lint-probe.ts', "import { cartUpdated } from '../signals';"],
  ['journeys/lint-probe.ts', "import { defineJourney } from '../sdk';"],
  ['delivery/lint-probe.ts', "import { Profile } from '../models/profile';"],
  ['activities/lint-probe.ts', "import { createSendPath } from '../delivery/send-path';"],
  ['routing/lint-probe.ts', "import { journeyCatalog } from '../journeys';"],
  ['worker/lint-probe.ts', "import { createEventRouter } from '../routing/event-router';"],
  ['api/lint-probe.ts', "import { changeConsent } from '../delivery/change-consent';"],
  ['cli/lint-probe.ts', "import { countOpenRunsByVersion } from '../routing/open-runs';"],
  ['diagrams/lint-probe.ts', "import { journeyCatalog } from '../journeys';"],
  ['api/lint-probe.ts', "import { journeyDiagram } from '../diagrams/journey-diagram';"],
  ['cli/lint-probe.ts', "import { journeyDiagram } from '../diagrams/journey-diagram';"],
  ['testing/lint-probe.ts', "import { createWaymarkWorker } from '../worker/create-worker';"],
  ['cli/lint-probe.ts', "import { simulateJourney } from '../testing/simulate';"],
  ['codec/lint-probe.ts', "import { loadConfig } from '../config';"],
  ['privacy/lint-probe.ts', "import { customerRunsQuery } from '../routing/visibility-query';"],
  ['api/lint-probe.ts', "import { eraseCustomer } from '../privacy/erase-customer';"],
  ['activities/lint-probe.ts', "import { sweepExpired } from '../privacy/retention';"],
  ['worker/lint-probe.ts', "import { waymarkDataConverter } from '../codec/data-converter';"],
  ['api/lint-probe.ts', "import { createPayloadCodec } from '../codec/data-converter';"],
  ['cli/lint-probe.ts', "import { waymarkDataConverter } from '../codec/data-converter';"],
  ['delivery/lint-probe.ts', "import { providerDuration } from '../metrics/registry';"],
  ['api/lint-probe.ts', "import { journeyStats } from '../analytics/journey-stats';"],
  ['cli/lint-probe.ts', "import { experimentReport } from '../analytics/experiment-report';"],
];

const usingImport = (line: string) => `${line}\nexport const used = [${/\{ (\w+) \}/.exec(line)![1]}];\n`;
const floating = 'async function send(): Promise<void> {}\nexport function step(): void {\n  send();\n}\n';

const probes: Record<string, LintProbe> = {
  ...Object.fromEntries(
    forbidden.map(([file, line]) => [`forbidden ${file} ${line}`, { file, code: usingImport(line) }]),
  ),
  ...Object.fromEntries(allowed.map(([file, line]) => [`allowed ${file} ${line}`, { file, code: usingImport(line) }])),
  version: {
    file: 'journeys/abandoned-cart/v2.ts',
    code: "import { CART_IDLE } from './v1';\nexport const i = CART_IDLE;\n",
  },
  'folder index': {
    file: 'journeys/abandoned-cart/index.ts',
    code: "import { abandonedCartV1 } from './v1';\nexport const versions = [abandonedCartV1];\n",
  },
  cycle: { file: 'test/lint/fixtures/cycle-a.ts' },
  'floating api': { file: 'api/lint-probe.ts', code: floating },
  'floating sdk': { file: 'sdk/lint-probe.ts', code: floating },
};

let found: Record<string, string[]>;

beforeAll(() => {
  const names = Object.keys(probes);
  const results = lintAll(Object.values(probes), [
    'import-x/',
    'no-restricted-imports',
    '@typescript-eslint/no-floating',
  ]);
  found = Object.fromEntries(names.map((name, i) => [name, results[i]]));
}, 120_000);

describe('import boundaries', () => {
  it.each(forbidden)('%s may not: %s', (file, line) => {
    expect(found[`forbidden ${file} ${line}`]).toContain('import-x/no-restricted-paths@1');
  });

  it.each(allowed)('%s may: %s', (file, line) => {
    expect(found[`allowed ${file} ${line}`]).toEqual([]);
  });

  it("keeps a journey version from importing another version's file", () => {
    expect(found.version).toEqual(['no-restricted-imports@1']);
  });

  it("lets a journey folder's index gather its versions for the catalog", () => {
    expect(found['folder index']).toEqual([]);
  });

  it('finds an import circle', () => {
    expect(found.cycle).toEqual(['import-x/no-cycle@2']);
  });

  it.each(['api', 'sdk'])('reports a floating promise in %s/', (folder) => {
    expect(found[`floating ${folder}`]).toEqual(['@typescript-eslint/no-floating-promises@3']);
  });
});
