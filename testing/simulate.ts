import { temporal } from '@temporalio/proto';
import { DateTime } from 'luxon';
import { z } from 'zod';
import type { Config } from '../config';
import { effectiveZone } from '../delivery/quiet-hours';
import { Profile } from '../models/profile';
import type { JourneyWorkflow } from '../sdk/define-journey';
import { durationToMs } from '../sdk/durations';
import { decodePayload } from '../codec/data-converter';
import type { JourneyResult } from '../sdk/journey-types';
import { signalCatalog } from '../signals';
import { startJourneyTestKit, type DeliveryAttempt, type JourneyTestKit } from './journey-test-kit';

/** A simulation's input that cannot run as given: the message names the field and what to write instead. */
export class SimulationInputError extends Error {}

const eventSchema = z
  .object({
    signal: z.string().min(1),
    data: z.record(z.string(), z.unknown()),
    /** When it happens: an ISO timestamp … */
    at: z.iso.datetime({ offset: true }).optional(),
    /** … or a duration after the simulation's start, e.g. `90 minutes`, `2 days`. */
    offset: z.union([z.string(), z.number()]).optional(),
    id: z.string().min(1).optional(),
    /** The event's own time at the source, when it differs from when it arrives (a late event). */
    occurredAt: z.iso.datetime({ offset: true }).optional(),
    customerId: z.string().min(1).optional(),
  })
  .refine((e) => (e.at === undefined) !== (e.offset === undefined), { message: 'give either `at` or `offset`' });

/** The events file: `{ "start"?: ISO time, "events": [...] }`, or just the array of events. */
export const simulationEventsSchema = z.union([
  z.object({ start: z.iso.datetime({ offset: true }).optional(), events: z.array(eventSchema).min(1) }),
  z.array(eventSchema).min(1),
]);

export type SimulationEvents = z.infer<typeof simulationEventsSchema>;

export interface SimulationInput {
  workflow: JourneyWorkflow;
  /** The customer's profile document (`id` or `_id` names the customer). */
  profile: Record<string, unknown>;
  events: unknown;
  /** How long after the last event the runs are followed; default 400 days. */
  horizon?: string;
  config?: Partial<Config>;
  log?: (line: string) => void;
}

export type TimelineKind = 'event' | 'step' | 'check' | 'wait' | 'send' | 'end';

export interface TimelineEntry {
  at: Date;
  kind: TimelineKind;
  text: string;
  /** Further lines (a rendered message's subject and body). */
  details?: string[];
}

export interface SimulationResult {
  journey: string;
  version: number;
  customerId: string;
  /** The customer's time zone as the send path judges it (profile, else DEFAULT_TIME_ZONE). */
  zone: string;
  quietHours: string;
  frequencyCaps: string;
  entries: TimelineEntry[];
  /** Each run the events reached, with how it ended (`running` when still open at the horizon). */
  runs: Array<{ workflowId: string; outcome: string; reason?: string }>;
}

const DEFAULT_HORIZON = '400 days';

/**
 * Runs one journey version for one customer on the time-skipping server through the testing kit (real router,
 * worker, send path with providers that send nothing), feeding the events at their times, and returns the
 * timeline: events, steps, waits, each send with the send path's verdict and why, and how each run ended.
 */
export async function simulateJourney(input: SimulationInput): Promise<SimulationResult> {
  const { workflow } = input;
  const { events: parsed, customerId, horizonMs } = checkSimulationInput(input);

  const kit = await startJourneyTestKit({ catalog: [workflow], config: input.config ?? {}, log: input.log });
  try {
    const clock = await kit.currentTime();
    const start = parsed.start ? new Date(parsed.start) : clock;
    if (start < clock) {
      throw new SimulationInputError(
        `start ${start.toISOString()} is in the past: the simulation clock starts at the present ` +
          `(${clock.toISOString()}) and only moves forward. Give a later start, or leave it out and use offsets.`,
      );
    }
    const { _id: _ignored, id: _alsoIgnored, ...document } = input.profile;
    await Profile.create({ _id: customerId, ...document }).catch((err: Error) => {
      throw new SimulationInputError(`profile: ${err.message}`);
    });
    const profile = await Profile.findById(customerId).lean<{ timeZone?: string }>().exec();
    const zone = effectiveZone(profile?.timeZone, kit.config.DEFAULT_TIME_ZONE);
    const local = localTime(zone);

    const timed = parsed.events
      .map((e, index) => ({
        e,
        index,
        time: e.at ? new Date(e.at) : new Date(start.getTime() + eventOffset(e, index)),
      }))
      .sort((a, b) => a.time.getTime() - b.time.getTime() || a.index - b.index);
    const entries: TimelineEntry[] = [];
    const workflowIds: string[] = [];
    for (const { e, index, time } of timed) {
      if (time < start)
        throw new SimulationInputError(`events[${index}].at is before the start ${start.toISOString()}`);
      await kit.advanceTo(time);
      const signal = signalCatalog.find((s) => s.name === e.signal)!;
      const event = kit.event(signal, e.customerId ?? customerId, e.data as never, {
        ...(e.id ? { id: e.id } : {}),
        occurredAt: e.occurredAt ?? time.toISOString(),
      });
      const report = await kit.send(event);
      for (const run of report.runs)
        if (run.action !== 'skipped' && !workflowIds.includes(run.workflowId)) workflowIds.push(run.workflowId);
      const routed = report.runs.length
        ? report.runs.map((r) => `${r.action}${r.reason ? ` (${r.reason})` : ''}`).join(', ')
        : `no run of ${workflow.journey.name} takes it`;
      entries.push({
        at: time,
        kind: 'event',
        text: `${e.signal} → ${routed}${report.duplicate ? ' (duplicate id)' : ''}`,
      });
    }
    await kit.advance(horizonMs);

    const runs: SimulationResult['runs'] = [];
    for (const workflowId of workflowIds) {
      const { entries: runEntries, outcome, reason } = await runTimeline(kit, workflowId, local);
      entries.push(...runEntries);
      runs.push({ workflowId, outcome, ...(reason ? { reason } : {}) });
    }
    entries.sort((a, b) => a.at.getTime() - b.at.getTime() || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
    return {
      journey: workflow.journey.name,
      version: workflow.journey.version,
      customerId,
      zone,
      quietHours: kit.config.QUIET_HOURS,
      frequencyCaps: kit.config.FREQUENCY_CAPS,
      entries,
      runs,
    };
  } finally {
    await kit.stop();
  }
}

/**
 * Everything about the input that can be judged without running it (the events file, the customer's id, the
 * horizon): a SimulationInputError naming the field, before any server starts.
 */
export function checkSimulationInput(input: Pick<SimulationInput, 'profile' | 'events' | 'horizon'>) {
  const events = parseEvents(input.events);
  const customerId = String(input.profile._id ?? input.profile.id ?? '');
  if (!customerId) throw new SimulationInputError('profile: give the customer an `id` (e.g. "id": "ann")');
  const horizonMs = parseDuration(input.horizon ?? DEFAULT_HORIZON, 'horizon');
  return { events, customerId, horizonMs };
}

/** Within one instant: the event first, then what the run did with it in order of kind. */
const KIND_ORDER: Record<TimelineKind, number> = { event: 0, check: 1, step: 2, send: 3, wait: 4, end: 5 };

/** An instant as the customer's own wall-clock time, e.g. `Wed 02 Dec 08:00 NZDT`. */
export function localTime(zone: string): (instant: Date | string) => string {
  return (instant) =>
    DateTime.fromJSDate(new Date(instant), { zone }).toFormat('ccc dd LLL yyyy HH:mm ZZZZ', { locale: 'en-GB' });
}

function parseEvents(raw: unknown): { start?: string; events: z.infer<typeof eventSchema>[] } {
  const parsed = simulationEventsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SimulationInputError(`events file: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const value = Array.isArray(parsed.data) ? { events: parsed.data } : parsed.data;
  value.events.forEach((e, i) => {
    const signal = signalCatalog.find((s) => s.name === e.signal);
    if (!signal) {
      const known = signalCatalog.map((s) => s.name).join(', ');
      throw new SimulationInputError(`events[${i}].signal: unknown signal '${e.signal}'; known signals: ${known}`);
    }
    const data = signal.schema.safeParse(e.data);
    if (!data.success) {
      const issue = data.error.issues[0];
      throw new SimulationInputError(`events[${i}].data.${issue.path.join('.')}: ${issue.message}`);
    }
    if (e.offset !== undefined) parseDuration(e.offset, `events[${i}].offset`);
  });
  return value;
}

function eventOffset(e: z.infer<typeof eventSchema>, index: number): number {
  return parseDuration(e.offset ?? 0, `events[${index}].offset`);
}

function parseDuration(value: string | number, field: string): number {
  try {
    const ms = durationToMs(value);
    if (ms < 0) throw new Error('negative');
    return ms;
  } catch {
    throw new SimulationInputError(`${field}: '${value}' is not a duration (e.g. "90 minutes", "2 days")`);
  }
}

const EventType = temporal.api.enums.v1.EventType;

/** One run's part of the timeline, from its history (events received, timers), its state and its deliveries. */
async function runTimeline(kit: JourneyTestKit, workflowId: string, local: (instant: Date | string) => string) {
  const handle = kit.run(workflowId);
  const entries: TimelineEntry[] = [];
  const converter = kit.env.client.options.loadedDataConverter;
  const history = await handle.fetchHistory();
  const time = (e: temporal.api.history.v1.IHistoryEvent) =>
    new Date(Number(e.eventTime?.seconds ?? 0) * 1000 + Math.floor((e.eventTime?.nanos ?? 0) / 1e6));

  const timers = new Map<string, { summary: string; at: Date; until: Date }>();
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_TIMER_STARTED) {
      const attrs = event.timerStartedEventAttributes!;
      const summary = event.userMetadata?.summary
        ? await decodePayload<string>(converter, event.userMetadata.summary)
        : 'timer';
      const ms =
        Number(attrs.startToFireTimeout?.seconds ?? 0) * 1000 +
        Math.floor((attrs.startToFireTimeout?.nanos ?? 0) / 1e6);
      timers.set(attrs.timerId!, { summary, at: time(event), until: new Date(time(event).getTime() + ms) });
    }
    if (event.eventType === EventType.EVENT_TYPE_TIMER_FIRED) {
      const timer = timers.get(event.timerFiredEventAttributes!.timerId!);
      if (timer) entries.push({ at: timer.at, kind: 'wait', text: `${timer.summary} (until ${local(timer.until)})` });
    }
    if (event.eventType === EventType.EVENT_TYPE_TIMER_CANCELED) {
      const timer = timers.get(event.timerCanceledEventAttributes!.timerId!);
      if (timer)
        entries.push({ at: timer.at, kind: 'wait', text: `${timer.summary}: cut short at ${local(time(event))}` });
    }
  }
  // Timers still running at the horizon.
  const settled = new Set(
    (history.events ?? [])
      .map((e) => e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId)
      .filter(Boolean),
  );
  for (const [id, timer] of timers) {
    if (!settled.has(id))
      entries.push({
        at: timer.at,
        kind: 'wait',
        text: `${timer.summary}: still waiting (until ${local(timer.until)})`,
      });
  }

  const state = await kit.state(workflowId);
  const deliveries = kit.deliveries(workflowId);
  await kit.messages(workflowId); // adds the content of sent web messages to the deliveries
  const sendSteps = new Set(deliveries.map((d) => d.stepId));
  for (const record of state.steps) {
    if (sendSteps.has(record.step)) continue;
    const at = new Date(record.at);
    if (record.step === 'eligibility') entries.push({ at, kind: 'check', text: `eligibility: ${record.detail}` });
    else if (record.step.startsWith('split:'))
      entries.push({ at, kind: 'check', text: `${record.step} → ${record.detail}` });
    else entries.push({ at, kind: 'step', text: record.detail ? `${record.step}: ${record.detail}` : record.step });
  }
  for (const delivery of deliveries) entries.push(sendEntry(delivery, local));

  const description = await handle.describe();
  let outcome = 'running';
  let reason: string | undefined;
  if (description.status.name === 'COMPLETED') {
    const result = (await handle.result()) as JourneyResult;
    outcome = result.outcome;
    reason = result.reason;
  } else if (description.status.name !== 'RUNNING') {
    outcome = description.status.name.toLowerCase();
  } else {
    reason = state.waitingFor ? `still waiting: ${state.waitingFor}` : undefined;
    await handle.terminate('simulation horizon reached');
  }
  const endedAt = description.closeTime ?? (await kit.currentTime());
  entries.push({ at: endedAt, kind: 'end', text: `${outcome}${reason ? `: ${reason}` : ''} (${workflowId})` });
  return { entries, outcome, reason };
}

function sendEntry(d: DeliveryAttempt, local: (instant: Date | string) => string): TimelineEntry {
  const what = `${d.channel} ${d.template}${d.customerId ? ` to ${d.customerId}` : ''}`;
  const at = new Date(d.at);
  if (d.status === 'sent') {
    const details: string[] = [];
    const m = d.message;
    if (m && 'subject' in m && m.subject) details.push(`subject: ${m.subject}`, ...indent(m.text));
    else if (m && 'body' in m && m.channel === 'sms') details.push(`text: ${m.body}`);
    else if (m && m.channel === 'web') details.push(`title: ${m.title}`, `body: ${m.body}`);
    const to = m && 'to' in m ? ` (${m.to})` : '';
    return { at, kind: 'send', text: `would send ${what}${to}`, details };
  }
  if (d.status === 'deferred') {
    return { at, kind: 'send', text: `deferred ${what}: ${d.reason}, held until ${local(d.until!)}` };
  }
  if (d.status === 'error') return { at, kind: 'send', text: `provider error on ${what}: ${d.reason} (retried)` };
  return { at, kind: 'send', text: `${d.status} ${what}: ${d.reason}` };
}

function indent(text: string | undefined): string[] {
  return (text ?? '')
    .trim()
    .split('\n')
    .slice(0, 6)
    .map((line) => `  ${line}`);
}
