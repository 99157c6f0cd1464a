// The fault-injection suite (docs/guarantees.md): real processes only. A private embedded stack (Temporal dev server,
// the MongoDB-wire server, the SMTP and Twilio sinks), the real API in this process, and a worker started through its
// real entry point (`npm run worker`) as a child process that SIGKILLs itself at a random point of the send path
// (WAYMARK_FAULT_KILL: after the ledger claim, during the provider call, between the provider's acceptance and the
// ledger write), started again each time. Sinks misbehave for some customers; the Temporal server and the store are
// killed by PID and started again mid-run; customers re-enter. Then every send is counted in the sinks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import mongoose from 'mongoose';
import { buildServer } from '../../api/server';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';
import { FAULT_POINTS } from '../../delivery/fault-points';
import { setSmtpSinkFault, setTwilioSinkFault } from '../../dev/sink-client';
import { startStack, type Stack } from '../../dev/stack';
import { startWaymarkProcess, type WaymarkProcess } from '../../dev/waymark-process';
import { freePort } from '../../dev/free-port';
import { Delivery } from '../../models/delivery';
import { ensureAudienceSchedules } from '../../worker/schedules';
import { workflowBundlerOptions } from '../../worker/workflow-bundle';
import { DAY_MS } from '../../sdk/durations';
import { tallyFaultRun, type FaultTally, type PlannedEntry } from './tally';

export interface FaultSuiteOptions {
  /** Customers entering renewal-window (an offer mail, a web banner, an SMS reminder: three sends per entry). */
  customers: number;
  /** Of them, how many renew and then fall due again: a second entry under the same workflow id. */
  reentries: number;
  /** dependent-turning-26 customers whose run ends and who are then entered again (refused: re-entry never). */
  refusedReentries: number;
  /** Worker SIGKILLs at random points of the send path. */
  kills: number;
  /** Customers whose first mail / SMS meets each sink misbehaviour. */
  misbehaving: number;
  /** Kill the Temporal dev server and the store by PID and start them again, once each, mid-run. */
  restartServers: boolean;
  /** Entries worked on at once. */
  inFlight: number;
  /** Give up (and count what is unfinished as lost) after this long. */
  deadlineMs: number;
  /** A prebuilt workflow bundle to reuse; built into the data directory otherwise. */
  workflowBundle?: string;
  log: (line: string) => void;
}

export interface FaultReport extends FaultTally {
  kills: number;
  workerStarts: number;
  restarts: string[];
  misbehaviours: string[];
  seconds: number;
}

const API_KEY = 'faults';
const RENEWAL_STEPS = ['email:renewal-offer', 'web:renewal-banner', 'sms:renewal-reminder'];
const SMTP_MISBEHAVIOURS = ['reset-after-data', 'close-after-data', 'hang-after-data'] as const;
const TWILIO_MISBEHAVIOURS = ['accept-then-timeout', 'accept-then-500', 'fail-500'] as const;

/** A random kill for one worker life: a point of the send path, which pass of it, and for the call a delay. */
function randomFaultKill(): string {
  const point = FAULT_POINTS[Math.floor(Math.random() * FAULT_POINTS.length)]!;
  const nth = 1 + Math.floor(Math.random() * 2);
  return point === 'call-started' ? `${point}:${nth}:40` : `${point}:${nth}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFaultSuite(options: FaultSuiteOptions): Promise<FaultReport> {
  const began = Date.now();
  const { log } = options;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'waymark-faults-'));
  const tag = randomUUID().slice(0, 6);
  let stack: Stack | undefined;
  let app: FastifyInstance | undefined;
  let connection: Connection | undefined;
  let worker: WaymarkProcess | undefined;
  let stopping = false;
  let kills = 0;
  let settling = false;
  let workerStarts = 0;
  let failedStarts = 0;
  const restarts: string[] = [];
  const misbehaviours: string[] = [];
  try {
    log('starting a private stack (Temporal dev server, MongoDB-wire server, sinks)…');
    stack = await startStack({ dataDir, ports: 'free', ui: false, log: () => undefined, env: {} });
    let bundlePath = options.workflowBundle;
    if (!bundlePath) {
      log('bundling the workflow code once for every worker start…');
      const { code } = await bundleWorkflowCode({
        workflowsPath: require.resolve('../../workflows'),
        ...workflowBundlerOptions,
        logger: {
          log: () => {},
          trace: () => {},
          debug: () => {},
          info: () => {},
          warn: () => {},
          error: console.error,
        },
      });
      bundlePath = path.join(dataDir, 'workflow-bundle.js');
      writeFileSync(bundlePath, code);
    }
    const apiPort = await freePort();
    const env = {
      ...stack.env,
      // A private embedded stack: its development secrets are accepted (config/secrets.ts).
      WAYMARK_DEV_STACK: '1',
      TEMPORAL_TASK_QUEUE: `faults-${tag}`,
      API_KEYS: API_KEY,
      QUIET_HOURS: '',
      FREQUENCY_CAPS: '',
      ARBITRATION_WINDOW: '',
      PUBLIC_URL: `http://127.0.0.1:${apiPort}`,
      WORKFLOW_BUNDLE: bundlePath,
    };
    const config = loadConfig({ ...env, LOG_LEVEL: 'warn' });
    await mongoose.connect(config.MONGODB_URI);
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
    // The worker encrypts payloads (codec/): this client reads the runs' results with the same keys.
    const client = new Client({ connection, dataConverter: waymarkDataConverter(config) });
    app = await buildServer({ config, temporal: client });
    await app.listen({ host: '127.0.0.1', port: apiPort });
    // Audience scans would enter these customers on their own schedule: paused, as an operator can.
    for (const id of await ensureAudienceSchedules(client, config)) await client.schedule.getHandle(id).pause();

    const request = async (method: 'POST' | 'PUT', url: string, body: object) => {
      for (let attempt = 1; ; attempt++) {
        const res = await app!.inject({ method, url, headers: { 'x-api-key': API_KEY }, payload: body });
        if (res.statusCode < 300) return res.json();
        // Temporal or the store restarting: the same event id is sent again (the API dedupes it).
        if (res.statusCode < 500 || attempt >= 120) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
        await sleep(1000);
      }
    };

    // The plan: customers, their entries, and the misbehaviours their first sends meet.
    const entries: PlannedEntry[] = [];
    const granted = { status: 'granted' };
    const numbers = String(100 + Math.floor(Math.random() * 900));
    for (let i = 0; i < options.customers; i++) {
      const id = `f${tag}-r${i}`;
      const phone = `+1555${numbers}${String(i).padStart(4, '0')}`;
      await request('PUT', `/v1/profiles/${id}`, {
        email: `${id}@example.com`,
        phone,
        timeZone: 'UTC',
        consent: { email: granted, sms: granted, web: granted },
        policies: [{ policyId: 'pol-1', product: 'home', status: 'active' }],
      });
      const times = i < options.reentries ? 2 : 1;
      for (let n = 1; n <= times; n++) {
        entries.push({
          journey: 'renewal-window',
          customerId: id,
          email: `${id}@example.com`,
          phone,
          n,
          steps: RENEWAL_STEPS,
        });
      }
      if (i < options.misbehaving * SMTP_MISBEHAVIOURS.length) {
        const fault = SMTP_MISBEHAVIOURS[i % SMTP_MISBEHAVIOURS.length]!;
        await setSmtpSinkFault(stack.env.SMTP_SINK_URL!, `${id}@example.com`, fault, 1);
        misbehaviours.push(`SMTP ${fault} for ${id}`);
      } else if (i < options.misbehaving * (SMTP_MISBEHAVIOURS.length + TWILIO_MISBEHAVIOURS.length)) {
        const fault = TWILIO_MISBEHAVIOURS[i % TWILIO_MISBEHAVIOURS.length]!;
        await setTwilioSinkFault(stack.env.TWILIO_API_URL!, phone, fault, { times: 1, holdMs: 30_000 });
        misbehaviours.push(`Twilio ${fault} for ${id}`);
      }
    }
    for (let i = 0; i < options.refusedReentries; i++) {
      const id = `f${tag}-d${i}`;
      const turns26On = new Date(Date.now() + 40 * DAY_MS).toISOString().slice(0, 10);
      await request('PUT', `/v1/profiles/${id}`, {
        email: `${id}@example.com`,
        timeZone: 'UTC',
        consent: { email: granted },
        policies: [{ policyId: 'health-1', product: 'health', status: 'active' }],
        dependents: [
          { dependentId: 'dep-1', firstName: 'Leo', birthDate: `1999${turns26On.slice(4)}`, covered: false },
        ],
      });
      for (const n of [1, 2]) {
        entries.push({
          journey: 'dependent-turning-26',
          customerId: id,
          email: `${id}@example.com`,
          n,
          turns26On,
          steps: n === 1 ? ['email:dependent-offer'] : [],
        });
      }
    }

    // Workers: each life gets a random kill until the kills are spent; then one without faults drains the rest.
    const workerEnv = { ...env, MONGODB_URI: config.MONGODB_URI };
    const superviseWorkers = (async () => {
      while (!stopping) {
        const fault = kills < options.kills && !settling ? randomFaultKill() : undefined;
        workerStarts += 1;
        let started: WaymarkProcess;
        try {
          started = await startWaymarkProcess('worker', {
            ...workerEnv,
            ...(fault ? { WAYMARK_FAULT_KILL: fault } : {}),
          });
        } catch (error) {
          // Killed by its fault before its "worker started" line was seen, or unable to start while Temporal or the
          // store is being restarted: start another.
          const message = error instanceof Error ? error.message : String(error);
          if (/exited with code 137\b/.test(message)) kills += 1;
          else if (++failedStarts > 30) throw error;
          else log(`a worker did not start (${message.split('\n')[0]}); starting another`);
          await sleep(1000);
          continue;
        }
        failedStarts = 0;
        worker = started;
        const { child } = started;
        const exit =
          child.exitCode !== null || child.signalCode !== null
            ? { code: child.exitCode, signal: child.signalCode }
            : await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
                child.once('exit', (code, signal) => resolve({ code, signal })),
              );
        if (stopping) break;
        // tsx relays the worker's own SIGKILL as exit code 137 (128 + 9).
        if (exit.signal === 'SIGKILL' || exit.code === 137) kills += 1;
        else
          log(`worker ${started.pid} exited (${exit.code ?? exit.signal}) without a fault kill:\n${started.output()}`);
        if (kills % 10 === 0 || kills === options.kills) log(`${kills} of ${options.kills} worker kills (${fault})`);
      }
    })();

    // The feeder: enter, wait for the entry's sends to be decided, renew (ends the run), enter again.
    const deadline = began + options.deadlineMs;
    const sendsPlanned = entries.reduce((n, e) => n + e.steps.length, 0);
    let temporalRestarted = !options.restartServers;
    let storeRestarted = !options.restartServers;
    const next = (e: PlannedEntry) =>
      entries.find((o) => o.customerId === e.customerId && o.n === e.n - 1 && o.state !== 'done') === undefined;
    while (Date.now() < deadline) {
      const active = entries.filter((e) => e.state === 'entered' || e.state === 'ended');
      for (const e of entries.filter((x) => x.state === undefined && next(x))) {
        if (active.length >= options.inFlight) break;
        await enter(e);
        active.push(e);
      }
      for (const e of active) await advance(e);
      if (entries.every((e) => e.state === 'done')) break;
      const decided = await Delivery.countDocuments({
        customerId: { $regex: `^f${tag}-` },
        state: { $in: ['sent', 'unknown', 'failed', 'skipped', 'blocked', 'capped'] },
      });
      if (!temporalRestarted && decided >= sendsPlanned / 3) {
        temporalRestarted = true;
        await restart('temporal');
      }
      if (!storeRestarted && decided >= (2 * sendsPlanned) / 3) {
        storeRestarted = true;
        await restart('store');
      }
      await sleep(500);
    }
    if (Date.now() >= deadline) log('deadline reached: whatever has not finished counts as lost');

    async function restart(server: 'temporal' | 'store') {
      const target = stack!.servers[server];
      if (!target) return log(`cannot restart ${server}: the stack did not start it`);
      const pid = target.pid();
      const t0 = Date.now();
      await target.restart();
      restarts.push(
        `${server === 'temporal' ? 'Temporal dev server' : 'MongoDB-wire server'} pid ${pid} SIGKILLed, back as ${target.pid()} in ${Date.now() - t0} ms`,
      );
      log(restarts[restarts.length - 1]!);
    }

    async function enter(e: PlannedEntry) {
      if (e.journey === 'renewal-window') {
        // The reminder falls due a few seconds after entry: renewal date a week and 15 s away.
        const renewalDate = new Date(Date.now() + 7 * DAY_MS + 15_000).toISOString();
        const accepted = await request('POST', '/v1/events', {
          id: `${e.customerId}-due-${e.n}`,
          signal: 'policy.renewal-due',
          customerId: e.customerId,
          data: { policyId: 'pol-1', renewalDate },
        });
        Object.assign(e, { renewalDate, ...runOf(accepted), state: 'entered' });
      } else {
        const accepted = await request('POST', '/v1/events', {
          id: `${e.customerId}-turning-${e.n}`,
          signal: 'dependent.turning-26',
          customerId: e.customerId,
          data: {
            policyId: 'health-1',
            dependentId: 'dep-1',
            birthDate: `1999${e.turns26On!.slice(4)}`,
            turns26On: e.turns26On,
          },
        });
        const run = accepted.results[0].runs[0] as { action: string; workflowId: string; runId?: string };
        Object.assign(e, { workflowId: run.workflowId, runId: run.runId, action: run.action });
        e.state = run.action === 'entered' ? 'entered' : 'done';
      }
    }

    async function advance(e: PlannedEntry) {
      if (e.state === 'entered') {
        const decided = await Delivery.countDocuments({
          workflowId: e.workflowId,
          entryId: e.runId,
          state: { $in: ['sent', 'unknown', 'failed', 'skipped', 'blocked', 'capped'] },
        });
        if (decided < e.steps.length) return;
        if (e.journey === 'renewal-window') {
          await request('POST', '/v1/events', {
            id: `${e.customerId}-renewed-${e.n}`,
            signal: 'policy.renewed',
            customerId: e.customerId,
            data: { policyId: 'pol-1', renewalDate: e.renewalDate },
          });
        } else {
          await request('POST', '/v1/events', {
            id: `${e.customerId}-removed-${e.n}`,
            signal: 'dependent.removed',
            customerId: e.customerId,
            data: { policyId: 'health-1', dependentId: 'dep-1' },
          });
        }
        e.state = 'ended';
      } else if (e.state === 'ended') {
        const description = await client.workflow
          .getHandle(e.workflowId!, e.runId)
          .describe()
          .catch(() => undefined);
        if (description && description.status.name !== 'RUNNING') e.state = 'done';
      }
    }

    // Settle: the next worker starts without a fault; status callbacks of SMS whose answer was lost arrive.
    settling = true;
    await sleep(3000);
    log('counting every send in the sinks and every run in Temporal…');
    const tally = await tallyFaultRun({ entries, client, env: stack.env, emailFrom: config.EMAIL_FROM });
    stopping = true;
    worker?.child.kill('SIGTERM');
    await Promise.race([superviseWorkers, sleep(15_000)]);
    return {
      ...tally,
      kills,
      workerStarts,
      restarts,
      misbehaviours,
      seconds: Math.round((Date.now() - began) / 1000),
    };
  } finally {
    stopping = true;
    await worker?.stop().catch(() => undefined);
    await app?.close().catch(() => undefined);
    await mongoose.disconnect().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function runOf(accepted: { results: Array<{ runs: Array<{ workflowId: string; runId?: string }> }> }) {
  const run = accepted.results[0]!.runs[0]!;
  return { workflowId: run.workflowId, runId: run.runId };
}
