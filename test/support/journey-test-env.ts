// Time-skipping environment for journey workflow tests: the Java test server, the journeys' real eligibility and
// profile activities against the FerretDB of the global setup, and a recording `deliver` (see recordingDeliver).
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { checkEligibility } from '../../activities/eligibility';
import { loadProfile } from '../../activities/load-profile';
import type { DeliveryOutcome, DeliveryRequest } from '../../sdk/contracts/journey-activities';
import type { JourneyEvent, SignalData, SignalDefinition } from '../../signals/define-signal';
import type { JourneyWorkflow } from '../../sdk/define-journey';
import { journeyWorkflowId } from '../../sdk/workflow-id';
import { createTimeSkippingEnv } from './time-skipping';

const TASK_QUEUE = 'journey-tests';
const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

let bundle: Promise<WorkflowBundleWithSourceMap | { codePath: string }> | undefined;
/** The worker's workflows (prebuilt by the global setup when it can), or a test's own workflowsPath. */
function workflowBundle(workflowsPath?: string) {
  if (workflowsPath) return bundleWorkflowCode({ workflowsPath, logger: silentLogger });
  bundle ??= process.env.WAYMARK_WORKFLOW_BUNDLE
    ? Promise.resolve({ codePath: process.env.WAYMARK_WORKFLOW_BUNDLE })
    : bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: silentLogger });
  return bundle;
}

const silentLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/**
 * A `deliver` that honours the send path's contract (DeliveryRequest in, DeliveryOutcome out) and records every
 * request, so tests can check what was sent, to whom, when (workflow time `at`) and under which step id. The real send
 * path (consent, quiet hours, caps, ledger, providers) is tested against the real servers in test/delivery.
 * `respond` scripts answers, e.g. `deferred` to exercise the durable deferral loop.
 */
export function recordingDeliver() {
  const requests: DeliveryRequest[] = [];
  let respond: (request: DeliveryRequest, attempt: number) => DeliveryOutcome = () => ({ status: 'sent' });
  const attempts = new Map<string, number>();
  return {
    requests,
    /** Requests of one run. */
    of: (workflowId: string) => requests.filter((r) => r.workflowId === workflowId),
    respondWith(fn: typeof respond) {
      respond = fn;
    },
    reset() {
      respond = () => ({ status: 'sent' });
    },
    async deliver(request: DeliveryRequest): Promise<DeliveryOutcome> {
      requests.push(request);
      const key = `${request.workflowId}|${request.stepId}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      // The send path's deadline rule (delivery/send-path.ts): a send judged after `skipAfter` is skipped as missed.
      if (request.skipAfter !== undefined && Date.parse(request.at) > Date.parse(request.skipAfter)) {
        return { status: 'skipped', reason: `missed: due by ${request.skipAfter}` };
      }
      const outcome = respond(request, attempt);
      return outcome.status === 'sent' ? { providerMessageId: `test-${requests.length}`, ...outcome } : outcome;
    },
  };
}

export interface JourneyTestEnv {
  env: TestWorkflowEnvironment;
  worker: Worker;
  delivery: ReturnType<typeof recordingDeliver>;
  /** Runs the worker in the background until teardown. */
  teardown(): Promise<void>;
}

export async function startJourneyTestEnv(options: { workflowsPath?: string } = {}): Promise<JourneyTestEnv> {
  const mongoUri = process.env.MONGODB_URI;
  if (!mongoUri) throw new Error('MONGODB_URI is not set: run these tests through jest with the global setup');
  await mongoose.connect(mongoUri);
  const env = await createTimeSkippingEnv();
  const delivery = recordingDeliver();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowBundle: await workflowBundle(options.workflowsPath),
    activities: { checkEligibility, loadProfile, deliver: delivery.deliver },
  });
  const running = worker.run();
  return {
    env,
    worker,
    delivery,
    async teardown() {
      worker.shutdown();
      await running;
      await env.teardown();
      await mongoose.disconnect();
    },
  };
}

let eventCounter = 0;

/** A validated, resolved event as the API hands it to journeys. `occurredAt` defaults to an increasing clock. */
export function journeyEvent<S extends SignalDefinition>(
  signal: S,
  customerId: string,
  data: SignalData<S>,
  options: { id?: string; occurredAt?: string } = {},
): JourneyEvent<SignalData<S>> {
  eventCounter += 1;
  return {
    id: options.id ?? randomUUID(),
    signal: signal.name,
    version: signal.version,
    customerId,
    occurredAt: options.occurredAt ?? new Date(Date.UTC(2026, 0, 1) + eventCounter * 1000).toISOString(),
    data,
  };
}

/** Starts (or feeds) a run as the router does: signal-with-start on the deterministic workflow id. */
export async function startJourney(
  env: TestWorkflowEnvironment,
  workflow: JourneyWorkflow,
  event: JourneyEvent,
): Promise<WorkflowHandle<JourneyWorkflow>> {
  const key = workflow.journey.trigger.key(event.data as never);
  return env.client.workflow.signalWithStart(workflow.workflowType, {
    workflowId: journeyWorkflowId(workflow.journey.name, event.customerId, key),
    taskQueue: TASK_QUEUE,
    args: [{ customerId: event.customerId, key }],
    signal: event.signal,
    signalArgs: [event],
  }) as Promise<WorkflowHandle<JourneyWorkflow>>;
}

/** Sends an event to a running journey, as the router does for goals and listened-to signals. */
export async function sendEvent(handle: WorkflowHandle, event: JourneyEvent): Promise<void> {
  await handle.signal(event.signal, event);
}

export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
