import { Command, InvalidArgumentError } from 'commander';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { loadConfig } from '../config';
import { journeyDiagram } from '../diagrams/journey-diagram';
import { findJourneyVersion, UnknownJourneyError } from '../journeys/find-journey';
import { audienceCatalog, journeyCatalog } from '../journeys';
import { findAudience } from '../journeys/find-audience';
import { countOpenRunsByVersion } from '../routing/open-runs';
import { customerRunsQuery } from '../routing/visibility-query';
import { WaymarkJourneyVersion, WaymarkOutcome, WaymarkStep } from '../sdk/search-attributes';
import { audienceScanWorkflowId, audienceScheduleId } from '../sdk/workflow-id';
import { Profile } from '../models/profile';
import { newestSegments, segmentCatalog } from '../segments';
import { registerAnalyticsCommands } from './analytics-commands';
import { CliError, connectStore, connectTemporal } from './connect';
import { saveJourneyHistory } from './save-history';
import { simulateCommand, type SimulateOptions } from './simulate';
import { formatTable } from './table';

const config = loadConfig(process.env, { secrets: ['PAYLOAD_CODEC_KEYS'] });
let client: Client | undefined;
const temporal = async () => (client ??= await connectTemporal(config));
let store: Awaited<ReturnType<typeof connectStore>> | undefined;
const profiles = async () => {
  store ??= await connectStore(config);
  return Profile;
};

const program = new Command()
  .name('waymark')
  .description(`Waymark operator CLI (Temporal at ${config.TEMPORAL_ADDRESS}, namespace ${config.TEMPORAL_NAMESPACE})`);

program
  .command('journeys')
  .description('every journey version in the catalog and how many runs are open on it')
  .option('--json', 'print JSON')
  .action(async (options: { json?: boolean }) => {
    const rows = await countOpenRunsByVersion(await temporal(), journeyCatalog);
    if (options.json) return console.log(JSON.stringify(rows, null, 2));
    console.log(
      formatTable(
        ['JOURNEY', 'VERSION', 'WORKFLOW TYPE', 'OPEN RUNS', 'NEW ENTRIES'],
        rows.map((r) => [r.journey, r.version, r.workflowType, r.openRuns, r.newest ? 'yes' : 'no']),
      ),
    );
  });

program
  .command('runs')
  .description("a customer's journey runs, newest first")
  .requiredOption('--customer <id>', 'customer id')
  .option('--limit <n>', 'at most this many runs', (v) => Number.parseInt(v, 10), 50)
  .action(async (options: { customer: string; limit: number }) => {
    const query = (() => {
      try {
        return customerRunsQuery(options.customer);
      } catch (err) {
        throw new CliError(`${(err as Error).message}: customer ids use letters, digits and _ . : @ + -`);
      }
    })();
    const rows: string[][] = [];
    for await (const run of (await temporal()).workflow.list({ query, pageSize: options.limit })) {
      const attrs = run.typedSearchAttributes;
      rows.push([
        run.workflowId,
        `${run.type}`,
        String(attrs.get(WaymarkJourneyVersion) ?? ''),
        run.status.name,
        attrs.get(WaymarkStep) ?? '',
        attrs.get(WaymarkOutcome) ?? '',
        run.startTime.toISOString(),
      ]);
      if (rows.length >= options.limit) break;
    }
    if (rows.length === 0) return console.log(`no journey runs for customer ${options.customer}`);
    console.log(formatTable(['WORKFLOW ID', 'TYPE', 'VERSION', 'STATUS', 'STEP', 'OUTCOME', 'STARTED'], rows));
  });

program
  .command('diagram <journey>')
  .description('a journey version as a Mermaid flowchart, read from its code (paste into any Mermaid viewer)')
  .option('--version <n>', 'the journey version (default: the newest)', positiveInteger)
  .action((name: string, options: { version?: number }) => {
    console.log(journeyDiagram(catalogJourney(name, options.version)).trimEnd());
  });

program
  .command('simulate <journey>')
  .description(
    'run a journey for one profile and its events on the time-skipping server, with the real send rules and ' +
      "templates and no provider called; prints the timeline in the customer's time zone",
  )
  .requiredOption('--profile <file>', 'the customer profile, JSON (as PUT /v1/profiles takes it, plus "id")')
  .requiredOption('--events <file>', 'JSON: { "start"?: ISO time, "events": [{ "signal", "data", "offset" | "at" }] }')
  .option('--version <n>', 'the journey version (default: the newest)', positiveInteger)
  .option('--horizon <duration>', 'how long to follow the run after the last event', '400 days')
  .option('--json', 'print the timeline as JSON')
  .action(async (name: string, options: SimulateOptions & { version?: number }) => {
    process.stdout.write(await simulateCommand(catalogJourney(name, options.version), options));
  });

const audience = program.command('audience').description('date-based audiences and their daily schedules');
audience
  .command('list')
  .description('the audiences and their schedules')
  .action(async () => {
    const rows: string[][] = [];
    for (const a of audienceCatalog) {
      const handle = (await temporal()).schedule.getHandle(audienceScheduleId(a.name));
      const state = await handle.describe().then(
        (d) => (d.state.paused ? 'paused' : `next ${d.info.nextActionTimes[0]?.toISOString() ?? '-'}`),
        (err) => (err instanceof ScheduleNotFoundError ? 'no schedule (start the worker)' : String(err)),
      );
      rows.push([a.name, a.signal, handle.scheduleId, state]);
    }
    console.log(formatTable(['AUDIENCE', 'EMITS', 'SCHEDULE', 'STATE'], rows));
  });
audience
  .command('run <name>')
  .description("trigger an audience's schedule now (the scan runs on the worker)")
  .action(async (name: string) => {
    const definition = (() => {
      try {
        return findAudience(name);
      } catch (err) {
        throw new CliError((err as Error).message);
      }
    })();
    const handle = (await temporal()).schedule.getHandle(audienceScheduleId(definition.name));
    try {
      await handle.trigger();
    } catch (err) {
      if (!(err instanceof ScheduleNotFoundError)) throw err;
      throw new CliError(
        `schedule ${handle.scheduleId} does not exist yet: start the worker (\`npm run worker\`, or \`npm start\`), ` +
          'which creates the audience schedules.',
      );
    }
    const scan = audienceScanWorkflowId(definition.name);
    console.log(`triggered ${handle.scheduleId}; watch workflow ${scan} in the Temporal UI`);
  });

const segments = program.command('segments').description('segments (segments/) and who is in them');
segments
  .command('list')
  .description('every segment, its newest version and its member count')
  .action(async () => {
    const model = await profiles();
    const rows = await Promise.all(
      newestSegments(segmentCatalog).map(async (s) => [
        s.name,
        s.version,
        await model.countDocuments({ 'segments.name': s.name }),
        s.description,
      ]),
    );
    console.log(formatTable(['SEGMENT', 'VERSION', 'MEMBERS', 'DESCRIPTION'], rows));
  });
segments
  .command('members <name>')
  .description("a segment's members, in customer-id order")
  .option('--after <customerId>', 'start after this customer id (the last one of the previous page)')
  .option('--limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 100)
  .action(async (name: string, options: { after?: string; limit: number }) => {
    const segment = newestSegments(segmentCatalog).find((s) => s.name === name);
    if (!segment) {
      const known = newestSegments(segmentCatalog).map((s) => s.name);
      throw new CliError(`no segment '${name}'; known: ${known.join(', ')} (see \`waymark segments list\`)`);
    }
    const model = await profiles();
    const docs = await model
      .find({ 'segments.name': name, ...(options.after ? { _id: { $gt: options.after } } : {}) })
      .select({ _id: 1, segments: 1, anonymous: 1 })
      .sort({ _id: 1 })
      .limit(options.limit)
      .lean();
    const rows = docs.map((d) => [
      d._id,
      d.anonymous ? 'anonymous' : 'known',
      d.segments?.find((m) => m.name === name)?.since.toISOString() ?? '',
    ]);
    console.log(formatTable(['CUSTOMER', 'KIND', 'SINCE'], rows));
    if (docs.length === options.limit) console.log(`next page: --after ${docs[docs.length - 1]._id}`);
  });

registerAnalyticsCommands(program, temporal, async () => {
  store ??= await connectStore(config);
});

const histories = program.command('histories').description('saved journey histories replayed by npm test');
histories
  .command('capture <workflowId...>')
  .description('save runs from Temporal as test/histories/<journey>/v<N>/*.json')
  .action(async (workflowIds: string[]) => {
    for (const workflowId of workflowIds) {
      const saved = await saveJourneyHistory(await temporal(), workflowId);
      console.log(`${saved.journey} v${saved.version}: ${saved.events} events -> ${saved.file}`);
    }
  });

/** A catalog journey version, or a CLI error listing what exists. */
function catalogJourney(name: string, version?: number) {
  try {
    return findJourneyVersion(name, version);
  } catch (err) {
    if (err instanceof UnknownJourneyError) throw new CliError(err.message);
    throw err;
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`'${value}' is not a version number (1, 2, …)`);
  return n;
}

program
  .parseAsync()
  .catch((err: unknown) => {
    const message = err instanceof CliError ? err.message : err instanceof Error ? (err.stack ?? err.message) : err;
    console.error(`waymark: ${message}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await client?.connection.close();
    await store?.disconnect();
  });
