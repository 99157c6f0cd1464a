// `npm run bench:store [-- --sizes 1000,100000 --budget-ms 3000]`: each embedded MongoDB-wire candidate, started
// on its own in a temp dir, at 1k and 100k profile documents: findOne by _id, findOne by the unique email, a range on
// an indexed date (5% of the documents), updateOne by _id, upsert by the unique email. Every operation goes through
// the real mongoose Profile model. Prints the median latency side by side, the 100k/1k ratio, and a verdict per
// store against the issue's goal (lookups at 100k within 1.5× of 1k and under 5 ms). With MONGODB_URI set, that
// server is probed too (a database of its own, dropped after). Loopback only; never part of npm test.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import mongoose from 'mongoose';
import { Profile } from '../models/profile';
import { freePort } from '../dev/free-port';
import { startStore, type StoreDurability, type StoreServer } from '../dev/start-store';
import type { StoreKind } from '../dev/store-choice';
import { benchLog, loadLine, num, percentile, sortedNumbers, table } from './support/report';

const DAY = 86_400_000;
const EPOCH = Date.parse('2030-01-01T00:00:00Z');
/** Renewal dates spread over 400 days: a 20-day range holds 5% of the profiles. */
const SPREAD_DAYS = 400;
const RANGE_DAYS = 20;
const GOAL = { ratio: 1.5, ms: 5 };

interface Candidate {
  /** Column heading. */
  short: string;
  label: string;
  kind?: StoreKind;
  durability?: StoreDurability;
  /** An external server (MONGODB_URI) instead of one we start. */
  uri?: string;
}

const OPERATIONS = [
  'findOne by _id',
  'findOne by unique email',
  `range on indexed date (${Math.round((RANGE_DAYS / SPREAD_DAYS) * 100)}% of docs)`,
  'updateOne by _id',
  'upsert by unique email',
] as const;
type Operation = (typeof OPERATIONS)[number];
const RANGE: Operation = OPERATIONS[2];

const id = (i: number) => `probe-${String(i).padStart(7, '0')}`;
const email = (i: number) => `probe-${i}@example.com`;

function profile(i: number) {
  return {
    _id: id(i),
    email: email(i),
    firstName: `First${i}`,
    timeZone: 'Europe/Paris',
    consent: { email: { status: 'granted' }, sms: { status: 'unknown' }, web: { status: 'unknown' } },
    attributes: { plan: i % 3 === 0 ? 'gold' : 'basic', score: i % 100 },
    anonymousIds: [`anon-${i}`],
    policies: [
      {
        policyId: `pol-${i}`,
        product: 'home',
        status: 'active',
        // A permutation of i over the spread, so neighbouring ids do not share dates.
        renewalDate: new Date(EPOCH + ((i * 7919) % SPREAD_DAYS) * DAY),
      },
    ],
    dependents: [],
  };
}

/** A deterministic spread of document numbers over [0, size). */
const pick = (n: number, size: number) => (n * 104_729) % size;

interface Sample {
  medianMs: number;
  p90Ms: number;
  runs: number;
  /** Documents the operation returned (the range), per run. */
  docs?: number;
}

async function measure(budgetMs: number, op: (n: number) => Promise<number | void>): Promise<Sample> {
  // Warm-up (JIT, caches, connections): up to 20 runs or a third of the budget, whichever comes first.
  const warmUntil = performance.now() + budgetMs / 3;
  for (let n = 0; n < 20 && (n < 1 || performance.now() < warmUntil); n++) await op(1_000_000 + n);
  const times: number[] = [];
  let docs: number | undefined;
  const started = performance.now();
  for (let n = 0; times.length < 200 && (times.length < 5 || performance.now() - started < budgetMs); n++) {
    const t = performance.now();
    const returned = await op(n);
    times.push(performance.now() - t);
    if (typeof returned === 'number') docs = returned;
  }
  const sorted = sortedNumbers(times);
  return { medianMs: percentile(sorted, 50), p90Ms: percentile(sorted, 90), runs: times.length, docs };
}

async function probe(size: number, budgetMs: number, upserted: { next: number }): Promise<Map<Operation, Sample>> {
  const results = new Map<Operation, Sample>();
  results.set(
    'findOne by _id',
    await measure(budgetMs, async (n) => void (await Profile.findById(id(pick(n, size))).lean())),
  );
  results.set(
    'findOne by unique email',
    await measure(budgetMs, async (n) => void (await Profile.findOne({ email: email(pick(n, size)) }).lean())),
  );
  results.set(
    RANGE,
    await measure(budgetMs, async (n) => {
      const from = EPOCH + (n % (SPREAD_DAYS - RANGE_DAYS)) * DAY;
      const docs = await Profile.find({
        'policies.renewalDate': { $gte: new Date(from), $lt: new Date(from + RANGE_DAYS * DAY) },
      })
        .select({ _id: 1, policies: 1 })
        .lean();
      return docs.length;
    }),
  );
  results.set(
    'updateOne by _id',
    await measure(budgetMs, async (n) => {
      await Profile.updateOne({ _id: id(pick(n, size)) }, { $set: { 'attributes.score': n } });
    }),
  );
  // Every other upsert finds its profile; the others insert a new one (a profile seen for the first time).
  results.set(
    'upsert by unique email',
    await measure(budgetMs, async (n) => {
      const i = n % 2 === 0 ? pick(n, size) : 10_000_000 + upserted.next++;
      await Profile.updateOne(
        { email: email(i) },
        { $set: { 'attributes.lastSeen': new Date() }, $setOnInsert: { _id: id(i) } },
        { upsert: true },
      );
    }),
  );
  return results;
}

async function seed(from: number, to: number) {
  for (let i = from; i < to; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, to - i) }, (_, k) => profile(i + k));
    await Profile.insertMany(batch, { ordered: false, lean: true });
  }
}

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return line ? Number(line[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

interface CandidateResult {
  candidate: Candidate;
  bySize: Map<number, Map<Operation, Sample>>;
  seedMs: Map<number, number>;
  rssMb: number;
}

async function run(candidate: Candidate, sizes: number[], budgetMs: number): Promise<CandidateResult> {
  let server: StoreServer | undefined;
  let dataDir: string | undefined;
  let uri = candidate.uri;
  if (!uri) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-store-probe-'));
    server = await startStore(candidate.kind!, {
      dataDir,
      host: '127.0.0.1',
      port: await freePort(),
      log: benchLog,
      durability: candidate.durability,
    });
    uri = server.uri;
  }
  const db = `waymark-store-probe-${Date.now()}`;
  await mongoose.connect(uri, { dbName: db });
  const bySize = new Map<number, Map<Operation, Sample>>();
  const seedMs = new Map<number, number>();
  try {
    // The indexes the app's autoIndex builds (init waits for it; a second createCollection beside it would race).
    await Profile.init();
    let seeded = 0;
    const upserted = { next: 0 };
    for (const size of sizes) {
      const t = performance.now();
      await seed(seeded, size);
      seedMs.set(size, performance.now() - t);
      seeded = size;
      benchLog(`${candidate.label}: ${num(size)} profiles seeded in ${num((performance.now() - t) / 1000, 1)} s`);
      bySize.set(size, await probe(size, budgetMs, upserted));
    }
    return { candidate, bySize, seedMs, rssMb: rssMb(server?.pid) };
  } finally {
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await server?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (value: number) => (value >= 100 ? num(value) : num(value, value >= 10 ? 1 : 2));

/** The range returns 100× the documents at 100k: its ratio is per document returned. */
function ratio(op: Operation, small: Sample, large: Sample): number {
  if (op !== RANGE) return large.medianMs / small.medianMs;
  return large.medianMs / (large.docs || 1) / (small.medianMs / (small.docs || 1));
}

function verdictLine(result: CandidateResult, small: number, large: number): string {
  const misses: string[] = [];
  for (const op of OPERATIONS) {
    const a = result.bySize.get(small)!.get(op)!;
    const b = result.bySize.get(large)!.get(op)!;
    const r = ratio(op, a, b);
    // The range's absolute time grows with what it returns; it is judged by its per-document ratio only.
    if (r > GOAL.ratio || (op !== RANGE && b.medianMs > GOAL.ms))
      misses.push(`${op} ${ms(b.medianMs)} ms, ${num(r, 1)}×`);
  }
  const goal = `lookups at ${num(large)} within ${GOAL.ratio}× of ${num(small)} and under ${GOAL.ms} ms`;
  return `verdict: ${result.candidate.short}: ${goal}: ${misses.length === 0 ? 'MET' : `MISSED (${misses.join('; ')})`}`;
}

async function main() {
  const opts = new Command()
    .option('--sizes <list>', 'profile counts, smallest first', '1000,100000')
    .option('--budget-ms <n>', 'time per operation and size (at least 5 runs)', (v) => parseInt(v, 10), 3000)
    .option('--stores <list>', 'candidates', 'mongo-java-server,mongo-java-server:background,ferretdb')
    .parse()
    .opts<{ sizes: string; budgetMs: number; stores: string }>();
  const sizes = opts.sizes.split(',').map(Number);
  const candidates: Candidate[] = opts.stores.split(',').map((name) => {
    const [kind, durability] = name.split(':') as [StoreKind, StoreDurability | undefined];
    if (kind === 'mongo-java-server') {
      const mode = durability ?? 'fsync';
      const what = {
        fsync: 'commit + fsync before each acknowledgement, as the stack runs it',
        write: 'commit before each acknowledgement, no fsync',
        background: "H2's own commit about once a second (upstream default)",
      }[mode];
      return { short: `mjs ${mode}`, label: `mongo-java-server 1.47.0, H2 file, ${what}`, kind, durability: mode };
    }
    if (kind === 'ferretdb') return { short: 'FerretDB', label: 'FerretDB 1.24.0, SQLite', kind };
    return { short: kind, label: kind, kind };
  });
  if (process.env.MONGODB_URI) {
    const host = new URL(process.env.MONGODB_URI).host;
    candidates.push({
      short: 'MONGODB_URI',
      label: `the server at MONGODB_URI (${host})`,
      uri: process.env.MONGODB_URI,
    });
  }

  const results: CandidateResult[] = [];
  for (const candidate of candidates) {
    benchLog(`${candidate.label}: starting`);
    results.push(await run(candidate, sizes, opts.budgetMs));
  }

  const [small, large] = [sizes[0], sizes[sizes.length - 1]];
  const header = ['operation'];
  const size = (n: number) => (n % 1000 === 0 ? `${n / 1000}k` : num(n));
  for (const r of results)
    header.push(`${r.candidate.short} ${size(small)}`, size(large), `${size(large)}/${size(small)}`);
  const rows: string[][] = OPERATIONS.map((op) => {
    const row: string[] = [op];
    for (const r of results) {
      const a = r.bySize.get(small)!.get(op)!;
      const b = r.bySize.get(large)!.get(op)!;
      row.push(ms(a.medianMs), ms(b.medianMs), `${num(ratio(op, a, b), 2)}×${op === RANGE ? ' per doc' : ''}`);
    }
    return row;
  });
  const seedRow = [`seed ${num(large)} profiles (s)`];
  for (const r of results) seedRow.push('', num([...r.seedMs.values()].reduce((s, v) => s + v, 0) / 1000, 1), '');
  const rssRow = ['store RSS after (MB)'];
  for (const r of results) rssRow.push('', num(r.rssMb), '');

  console.log(`\nstore probe, ${loadLine()}; median of ≥ 5 runs per cell (ms)`);
  for (const r of results) console.log(`  ${r.candidate.short}: ${r.candidate.label}`);
  console.log(table(header, [...rows, seedRow, rssRow]));
  for (const r of results) {
    const range = r.bySize.get(large)!.get(RANGE)!;
    console.log(`  ${r.candidate.short}: the range returned ${num(range.docs ?? NaN)} documents at ${num(large)}`);
  }
  console.log('');
  for (const r of results) console.log(verdictLine(r, small, large));
}

main().catch((error) => {
  console.error(`bench:store: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
