// `npm run test:scale-out`: the multi-process shape of docker-compose.yml, without Docker. Two API processes and two
// worker processes (`npm run api` / `npm run worker`, their real entry points) share one Temporal and one MongoDB-wire
// server (a private embedded stack, or TEMPORAL_ADDRESS + MONGODB_URI). Every renewal-due event is posted to both
// APIs (a client retrying against another instance); half-way through, one worker is killed with SIGKILL (its
// process group, by PID) and the other carries on. Then, per run: handled once (one trigger signal in its history),
// at most one mail and one SMS in the sinks and one ledger entry per step, and how many were delivered in full.
// Exits 1 when a guarantee does not hold. Takes one to three minutes (an activity the killed worker held is retried
// after its start-to-close timeout). Not part of `npm test`: too slow for it.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import mongoose from 'mongoose';
import { startStack } from '../../dev/stack';
import { startWaymarkProcess, type WaymarkProcess } from '../../dev/waymark-process';
import { listSinkMails, listSinkSms } from '../../dev/sink-client';
import { Delivery } from '../../models/delivery';
import { Profile } from '../../models/profile';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';

const RUNS = Number(process.env.SCALE_OUT_RUNS ?? 60);
const API_KEY = 'scale-out';
const DAY = 86_400_000;
const log = (line: string) => console.log(`[scale-out] ${line}`);

async function main() {
  const began = Date.now();
  const given = Boolean(process.env.TEMPORAL_ADDRESS && process.env.MONGODB_URI);
  const stack = await startStack({
    dataDir: mkdtempSync(path.join(os.tmpdir(), 'waymark-scale-out-')),
    ports: 'free',
    ui: false,
    log: () => undefined,
    env: given ? process.env : {},
  });
  const tag = randomUUID().slice(0, 8);
  const uri = new URL(stack.env.MONGODB_URI);
  uri.pathname = `/waymark-scale-out-${tag}`;
  const env = {
    ...stack.env,
    MONGODB_URI: uri.toString(),
    TEMPORAL_TASK_QUEUE: `scale-out-${tag}`,
    API_KEYS: API_KEY,
    QUIET_HOURS: '',
    FREQUENCY_CAPS: '',
    // A test harness with the development secrets (config/secrets.ts).
    WAYMARK_DEV_STACK: '1',
  };
  const processes: WaymarkProcess[] = [];
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  // The processes encrypt payloads (codec/): this client reads their results with the same keys.
  const client = new Client({
    connection,
    dataConverter: waymarkDataConverter(loadConfig({ ...process.env, ...env })),
  });
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'held' : 'BROKEN'}: ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    await mongoose.connect(env.MONGODB_URI);
    const customers = Array.from({ length: RUNS }, (_, i) => `so-${tag}-${i}`);
    const email = (c: string) => `${c}@example.com`;
    const phone = (i: number) => `+1555${String(i).padStart(7, '0')}`;
    await Profile.init(); // mongoose's own collection and index creation, finished before anything else writes
    const granted = { status: 'granted' };
    await Profile.collection.insertMany(
      customers.map((c, i) => ({
        _id: c,
        email: email(c),
        phone: phone(i),
        consent: { email: granted, sms: granted, web: granted },
        policies: [
          { policyId: `pol-${c}`, product: 'home', status: 'active', renewalDate: new Date(Date.now() + 3 * DAY) },
        ],
      })) as never[],
    );

    log('starting 2 workers and 2 APIs (npm run worker / npm run api)…');
    const [workerA, workerB, apiA, apiB] = await Promise.all([
      startWaymarkProcess('worker', env),
      startWaymarkProcess('worker', env),
      startWaymarkProcess('api', env),
      startWaymarkProcess('api', env),
    ]);
    processes.push(workerA, workerB, apiA, apiB);
    log(`workers pid ${workerA.pid}, ${workerB.pid}; APIs pid ${apiA.pid} ${apiA.url}, ${apiB.pid} ${apiB.url}`);

    const post = async (api: WaymarkProcess, customerId: string) => {
      const res = await fetch(`${api.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
        body: JSON.stringify({
          id: `due-${customerId}`,
          signal: 'policy.renewal-due',
          customerId,
          data: {
            policyId: `pol-${customerId}`,
            renewalDate: new Date(Date.now() + 3 * DAY).toISOString().slice(0, 10),
          },
        }),
      });
      if (res.status !== 202)
        throw new Error(`POST /v1/events on ${api.url} answered ${res.status}: ${await res.text()}`);
    };
    // Each event to both APIs at once: the event-id dedupe must hold across processes.
    const send = (list: string[]) => Promise.all(list.flatMap((c) => [post(apiA, c), post(apiB, c)]));
    const half = Math.floor(RUNS / 2);
    await send(customers.slice(0, half));
    // Kill while the first half is being worked on.
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(-workerA.pid, 'SIGKILL');
    log(`killed worker ${workerA.pid} (SIGKILL to its process group) with ${half} events posted`);
    await send(customers.slice(half));
    log(`posted ${RUNS} events twice each (once to each API)`);

    const ids = customers.map((c) => journeyWorkflowId('renewal-window', c, `pol-${c}`));
    const deadline = Date.now() + 180_000;
    let finished = 0;
    while (Date.now() < deadline) {
      const steps = await Delivery.countDocuments({
        workflowId: { $in: ids },
        state: { $in: ['sent', 'failed', 'unknown'] },
      });
      finished = steps;
      if (steps >= RUNS * 3) break;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    log(`${finished} of ${RUNS * 3} sends (email, web, SMS per run) reached a final ledger state`);

    // Handled once: one run per id, and that run scheduled each of its three sends once (a retry after the kill
    // is another attempt of the same activity, not a new one). The same event posted to both APIs at once may reach
    // a run twice (the second API re-routes an event whose first routing has not finished): its inbox drops it.
    let handledOnce = 0;
    let signalledTwice = 0;
    let movedWorkers = 0;
    for (const id of ids) {
      const runs = [];
      for await (const run of client.workflow.list({ query: `WorkflowId = "${id}"` })) runs.push(run);
      const events = (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
      const sends = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'deliver');
      const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes);
      if (runs.length === 1 && sends.length === 3) handledOnce += 1;
      if (signals.length > 1) signalledTwice += 1;
      const workers = new Set(
        events.flatMap((e) => [
          e.workflowTaskCompletedEventAttributes?.identity,
          e.activityTaskStartedEventAttributes?.identity,
        ]),
      );
      workers.delete(undefined);
      workers.delete(null);
      if (workers.size > 1) movedWorkers += 1;
    }
    check(handledOnce === RUNS, `${handledOnce} of ${RUNS} runs started once and scheduled each send once`);
    log(`${signalledTwice} of ${RUNS} runs got their event from both APIs (dropped by the run's inbox)`);
    log(
      `${movedWorkers} of ${RUNS} runs were worked on by both workers (begun on the killed one, finished on the other)`,
    );

    const mails = await listSinkMails(env.SMTP_SINK_URL!);
    const sms = await listSinkSms(env.TWILIO_API_URL!);
    const mailsTo = (c: string) => mails.filter((m) => m.envelope.to.includes(email(c))).length;
    const smsTo = (i: number) => sms.filter((m) => m.to === phone(i)).length;
    const mailCounts = customers.map(mailsTo);
    const smsCounts = customers.map((_, i) => smsTo(i));
    check(Math.max(...mailCounts) <= 1, `no customer got a mail twice (most to one: ${Math.max(...mailCounts)})`);
    check(Math.max(...smsCounts) <= 1, `no customer got an SMS twice (most to one: ${Math.max(...smsCounts)})`);
    const entries = await Delivery.find({ workflowId: { $in: ids } }).lean();
    const sentByLedger = entries.filter((e) => e.state === 'sent');
    const unknown = entries.filter((e) => e.state === 'unknown' || e.state === 'failed');
    check(entries.length <= RUNS * 3, `${entries.length} ledger entries for ${RUNS * 3} steps (one per step at most)`);
    const sentMailsLedger = sentByLedger.filter((e) => e.channel === 'email').length;
    const sentSmsLedger = sentByLedger.filter((e) => e.channel === 'sms').length;
    const mailed = mailCounts.filter((n) => n === 1).length;
    const texted = smsCounts.filter((n) => n === 1).length;
    check(sentMailsLedger <= mailed, `ledger says ${sentMailsLedger} mails sent, the SMTP sink holds ${mailed}`);
    check(sentSmsLedger <= texted, `ledger says ${sentSmsLedger} SMS sent, the Twilio sink holds ${texted}`);
    check(
      mailed + unknown.filter((e) => e.channel === 'email').length >= RUNS,
      `every mail went out or is recorded unknown (${mailed} delivered, ` +
        `${unknown.filter((e) => e.channel === 'email').length} outcome unknown after the kill)`,
    );
    check(workerB.child.exitCode === null, `worker ${workerB.pid} carried on (still running)`);
    log(
      `figures: ${RUNS} runs; mails ${mailed}/${RUNS} delivered once, 0 twice; SMS ${texted}/${RUNS} delivered once; ` +
        `ledger: ${sentByLedger.length} sent, ${unknown.length} failed (${unknown.map((e) => e.reason).join('; ') || 'none'})`,
    );
  } finally {
    for (const p of processes) await p.stop();
    await mongoose.connection.db?.dropDatabase().catch(() => undefined);
    await mongoose.disconnect();
    await connection.close();
    await stack.stop();
  }
  if (failures.length) {
    console.error(`scale-out: ${failures.length} guarantee(s) broken:\n  ${failures.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`scale-out: every guarantee held (${Math.round((Date.now() - began) / 1000)} s)`);
}

main().catch((error) => {
  console.error(`scale-out: ${error instanceof Error ? error.stack : error}`);
  process.exit(1);
});
