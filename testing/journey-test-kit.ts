import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { Context as ActivityContext } from '@temporalio/activity';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { loadConfig, type Config } from '../config';
import { provisionTestServerLauncher } from '../dev/provision/test-server';
import { journeyCatalog } from '../journeys';
import { Profile } from '../models/profile';
import { WebMessage } from '../models/web-message';
import { createEventRouter } from '../routing/event-router';
import type { DeliveryOutcome, DeliveryRequest } from '../sdk/contracts/journey-activities';
import type { RoutingReport } from '../sdk/contracts/routing';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { durationToMs } from '../sdk/durations';
import type { Duration, JourneyState } from '../sdk/journey-types';
import { journeyStateQuery } from '../sdk/queries';
import { WAYMARK_SEARCH_ATTRIBUTES } from '../sdk/search-attributes';
import { journeyWorkflowId } from '../sdk/workflow-id';
import type { JourneyEvent, SignalData, SignalDefinition } from '../signals/define-signal';
import { createWaymarkWorker } from '../worker/create-worker';
import { waymarkDataConverter } from '../codec/data-converter';
import type { DataConverter } from '@temporalio/common';
import { createSimulatedProviders, type ProviderFailure, type ProviderMessage } from './simulated-providers';

/** One call of the send path (`deliver`) by a run: what was asked, at which workflow time, and the answer. */
export interface DeliveryAttempt extends Omit<DeliveryRequest, 'reason'> {
  /** The journey's "why you got this" (the request's `reason`). */
  journeyReason?: string;
  /** The send path's answer; `error` when the attempt failed and Temporal retries it (a transient provider error). */
  status: DeliveryOutcome['status'] | 'error';
  /** Why it was deferred, blocked, capped or failed (`quiet hours`, `no sms consent`, the provider's error). */
  reason?: string;
  /** For `deferred`: when the run asks again. */
  until?: string;
  providerMessageId?: string;
  /** For `sent`: the message as the provider got it (email, SMS) or as the customer's inbox holds it (web). */
  message?: ProviderMessage | { channel: 'web'; title: string; body: string; url?: string };
}

export interface JourneyTestKitOptions {
  /** Settings over the environment's (`loadConfig`), e.g. `{ QUIET_HOURS: '' }` or `{ FREQUENCY_CAPS: 'sms=1/day' }`. */
  config?: Partial<Config>;
  /** The journeys events are routed to (the router's catalog); default every version in journeys/index.ts. */
  catalog?: readonly JourneyWorkflow[];
  /** Workflow code: a file exporting your journeys; default the worker's own bundle (`workflows/index.ts`). */
  workflowsPath?: string;
  /** MongoDB to use; default `MONGODB_URI`. The kit works in a database of its own there, dropped by `stop()`. */
  mongodbUri?: string;
  /** Progress lines (provisioning the test server on first use); default silent. */
  log?: (line: string) => void;
}

/**
 * Waymark's journey testing kit: the real worker (`createWaymarkWorker`) with the real activities and send path —
 * eligibility against MongoDB, consent, quiet hours in the customer's time zone, frequency caps, the ledger,
 * templates rendered — on Temporal's time-skipping test server, with providers that send nothing and keep what
 * they were given. Send events through the real router, advance time, read what would have gone out.
 *
 * ```ts
 * const kit = await startJourneyTestKit({ config: { QUIET_HOURS: '' } });
 * await kit.createProfile({ _id: 'ann', email: 'ann@example.com', consent: { email: { status: 'granted' } } });
 * await kit.send(kit.event(cartUpdated, 'ann', cart));
 * await kit.advance('2 hours');
 * expect(kit.deliveries().map((d) => [d.template, d.status])).toEqual([['cart-reminder', 'sent']]);
 * await kit.stop();
 * ```
 */
export async function startJourneyTestKit(options: JourneyTestKitOptions = {}): Promise<JourneyTestKit> {
  const launcher =
    process.env.WAYMARK_TEST_SERVER_LAUNCHER ?? (await provisionTestServerLauncher(options.log ?? (() => undefined)));
  // A test harness on the development secrets (config/secrets.ts); its client reads the worker's encrypted payloads.
  const base = loadConfig({ ...process.env, WAYMARK_DEV_STACK: '1' });
  const env = await createTimeSkippingEnvironment(launcher, waymarkDataConverter(base));
  try {
    const database = new URL(options.mongodbUri ?? base.MONGODB_URI);
    database.pathname = `/waymark-kit-${randomUUID().slice(0, 8)}`;
    const taskQueue = `journey-test-kit-${randomUUID().slice(0, 8)}`;
    const config: Config = {
      ...base,
      ...options.config,
      MONGODB_URI: database.toString(),
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: taskQueue,
    };
    if (mongoose.connection.readyState !== 0) await mongoose.disconnect();
    await mongoose.connect(config.MONGODB_URI, { serverSelectionTimeoutMS: 10_000 });
    const providers = createSimulatedProviders();
    const attempts: DeliveryAttempt[] = [];
    const bundle = process.env.WAYMARK_WORKFLOW_BUNDLE;
    const worker = await createWaymarkWorker(config, {
      taskQueue,
      ...(options.workflowsPath
        ? { workflowsPath: options.workflowsPath }
        : bundle
          ? { workflowBundle: { codePath: bundle } }
          : {}),
      providers,
      interceptors: { activity: [(ctx) => ({ inbound: new DeliveryRecorder(ctx, attempts) })] },
    });
    const running = worker.worker.run();
    const kit = new JourneyTestKit(env, config, providers, attempts, options.catalog ?? journeyCatalog, async () => {
      worker.worker.shutdown();
      await running;
      await worker.close();
    });
    await kit.currentTime();
    return kit;
  } catch (error) {
    await env.teardown();
    throw error;
  }
}

/** The time-skipping test server with Waymark's search attributes registered, as on the dev server and a cluster. */
export async function createTimeSkippingEnvironment(
  launcherPath: string,
  dataConverter?: DataConverter,
): Promise<TestWorkflowEnvironment> {
  const env = await startTestServer(launcherPath, dataConverter);
  const types = temporal.api.enums.v1.IndexedValueType;
  const searchAttributes = Object.fromEntries(
    Object.entries(WAYMARK_SEARCH_ATTRIBUTES).map(([name, type]) => [
      name,
      type === 'Int' ? types.INDEXED_VALUE_TYPE_INT : types.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  return env;
}

/**
 * The SDK gives the test server's JVM 5 s to listen; on a loaded machine (2 cores shared by several processes) it can
 * take longer. A second and third try start it with the JVM's files already in the page cache.
 */
async function startTestServer(
  launcherPath: string,
  dataConverter?: DataConverter,
  attempts = 3,
): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: launcherPath } },
        ...(dataConverter ? { client: { dataConverter } } : {}),
      });
    } catch (error) {
      if (attempt >= attempts || !/did not start within/.test(String(error))) throw error;
    }
  }
}

/** Records every `deliver` call with its answer (the kit's view of the send path). */
class DeliveryRecorder implements ActivityInboundCallsInterceptor {
  constructor(
    private readonly ctx: ActivityContext,
    private readonly attempts: DeliveryAttempt[],
  ) {}

  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    if (this.ctx.info.activityType !== 'deliver') return next(input);
    const { reason: journeyReason, ...request } = input.args[0] as DeliveryRequest;
    const attempt: DeliveryAttempt = { ...request, ...(journeyReason ? { journeyReason } : {}), status: 'error' };
    this.attempts.push(attempt);
    try {
      const outcome = (await next(input)) as DeliveryOutcome;
      Object.assign(attempt, outcome);
      return outcome;
    } catch (error) {
      attempt.reason = error instanceof Error ? error.message : String(error);
      throw error;
    }
  }
}

export class JourneyTestKit {
  private eventCount = 0;
  private readonly routeEvent;
  /** The test clock as last read from the server, and the last event's time (events get increasing times). */
  private clock = 0;
  private lastEventAt = 0;

  constructor(
    /** Temporal's time-skipping environment (its `client` lets you inspect runs). */
    readonly env: TestWorkflowEnvironment,
    /** The settings the worker and its send path run with. */
    readonly config: Config,
    private readonly providers: ReturnType<typeof createSimulatedProviders>,
    private readonly attempts: DeliveryAttempt[],
    private readonly catalog: readonly JourneyWorkflow[],
    private readonly stopWorker: () => Promise<void>,
  ) {
    this.routeEvent = createEventRouter({ client: env.client, taskQueue: config.TEMPORAL_TASK_QUEUE, catalog });
  }

  /** Stores a customer profile (the same document `PUT /v1/profiles/:id` stores). */
  async createProfile(profile: { _id: string } & Record<string, unknown>): Promise<void> {
    await Profile.create(profile);
  }

  /**
   * An event as the API hands it on: `data` checked against the signal's schema; `occurredAt` the test clock as of the
   * last advance (later events of the same instant a millisecond apart, so their order is kept).
   */
  event<S extends SignalDefinition>(
    signal: S,
    customerId: string,
    data: SignalData<S>,
    options: { id?: string; occurredAt?: string } = {},
  ): JourneyEvent<SignalData<S>> {
    this.eventCount += 1;
    this.lastEventAt = Math.max(this.clock, this.lastEventAt + 1);
    return {
      id: options.id ?? `kit-event-${this.eventCount}-${randomUUID().slice(0, 8)}`,
      signal: signal.name,
      version: signal.version,
      customerId,
      occurredAt: options.occurredAt ?? new Date(this.lastEventAt).toISOString(),
      data: signal.schema.parse(data) as SignalData<S>,
    };
  }

  /** Routes an event as the API does (dedupe by id, entry rules, newest version of the kit's catalog). */
  send(event: JourneyEvent): Promise<RoutingReport> {
    return this.routeEvent(event);
  }

  /** Starts (or feeds) a run of one particular journey version, as the router's signal-with-start does. */
  async start(workflow: JourneyWorkflow, event: JourneyEvent): Promise<WorkflowHandle<JourneyWorkflow>> {
    const key = workflow.journey.trigger.key(event.data as never);
    return this.env.client.workflow.signalWithStart(workflow.workflowType, {
      workflowId: journeyWorkflowId(workflow.journey.name, event.customerId, key),
      taskQueue: this.config.TEMPORAL_TASK_QUEUE,
      args: [{ customerId: event.customerId, key }],
      signal: event.signal,
      signalArgs: [event],
    }) as Promise<WorkflowHandle<JourneyWorkflow>>;
  }

  /** Sends an event straight to one run (as the router does for goals and listened-to signals). */
  async signal(handle: WorkflowHandle, event: JourneyEvent): Promise<void> {
    await handle.signal(event.signal, event);
  }

  /** A run by workflow id (e.g. from a routing report). */
  run(workflowId: string): WorkflowHandle<JourneyWorkflow> {
    return this.env.client.workflow.getHandle(workflowId);
  }

  /** A run's `state` query: step, what it waits for, the steps taken with their times and results. */
  state(workflowId: string): Promise<JourneyState> {
    return this.run(workflowId).query(journeyStateQuery);
  }

  /** Moves test time forward; timers due in between fire and the runs act on them. */
  async advance(duration: Duration): Promise<void> {
    await this.env.sleep(durationToMs(duration));
    await this.currentTime();
  }

  /** Moves test time forward to an instant (time never goes back: an earlier instant is an error). */
  async advanceTo(instant: Date | string): Promise<void> {
    const target = new Date(instant).getTime();
    if (Number.isNaN(target)) throw new TypeError(`advanceTo: '${String(instant)}' is not a date`);
    const now = await this.env.currentTimeMs();
    if (target < now) {
      throw new RangeError(
        `advanceTo: ${new Date(target).toISOString()} is before the test clock (${new Date(now).toISOString()}); ` +
          'test time only moves forward',
      );
    }
    if (target > now) await this.env.sleep(target - now);
    await this.currentTime();
  }

  /** The test clock (workflow time), read from the server. */
  async currentTime(): Promise<Date> {
    this.clock = await this.env.currentTimeMs();
    return new Date(this.clock);
  }

  /** Every send-path call, in order, of one run (or of all runs); with the message for those that were sent. */
  deliveries(workflowId?: string): DeliveryAttempt[] {
    const attempts = workflowId ? this.attempts.filter((a) => a.workflowId === workflowId) : [...this.attempts];
    return attempts.map((a) => {
      if (a.status !== 'sent' || a.message) return a;
      const message = this.providers.messages.find((m) => m.providerMessageId === a.providerMessageId);
      return message ? Object.assign(a, { message }) : a;
    });
  }

  /** What the customer would have seen: sent deliveries with their rendered content (web messages from the inbox). */
  async messages(workflowId?: string): Promise<DeliveryAttempt[]> {
    const sent = this.deliveries(workflowId).filter((a) => a.status === 'sent');
    for (const attempt of sent) {
      if (attempt.channel !== 'web' || attempt.message) continue;
      const web = await WebMessage.findById(attempt.providerMessageId).lean().exec();
      if (web) {
        attempt.message = { channel: 'web', title: web.title, body: web.body, ...(web.url ? { url: web.url } : {}) };
      }
    }
    return sent;
  }

  /** Makes the simulated provider of `channel` refuse the next `times` sends (every send until `heal()`). */
  failProvider(channel: 'email' | 'sms', kind: ProviderFailure, times?: number): void {
    this.providers.fail(channel, kind, times);
  }

  /** Providers accept again. */
  healProviders(): void {
    this.providers.heal();
  }

  /** Stops the worker and the test server and drops the kit's database. */
  async stop(): Promise<void> {
    try {
      await this.stopWorker();
    } finally {
      await this.env.teardown();
      await mongoose.connection.db?.dropDatabase().catch(() => undefined);
      await mongoose.disconnect();
    }
  }
}
