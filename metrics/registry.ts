import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

// Waymark's own Prometheus metrics, one registry per process (the API's and the worker's /metrics serve it). Labels
// never carry customer data: channels, outcomes, reason kinds, journey and audience names only.

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const eventsTotal = new Counter({
  name: 'waymark_events_total',
  help: 'Events posted to the API: accepted (routed), duplicate (seen before) or rejected, by reason.',
  labelNames: ['outcome', 'reason'] as const,
  registers: [registry],
});

export const routingDuration = new Histogram({
  name: 'waymark_routing_duration_seconds',
  help: 'From an event recorded to every run it concerns signalled or started (routing/event-router.ts).',
  labelNames: ['result'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const sendsTotal = new Counter({
  name: 'waymark_sends_total',
  help: 'Answers of the send path by channel and outcome (sent, deferred, capped, blocked, failed, retry).',
  labelNames: ['channel', 'outcome', 'journey'] as const,
  registers: [registry],
});

export const deferralsTotal = new Counter({
  name: 'waymark_deferrals_total',
  help: 'Sends deferred to a later time, by why: quiet hours, frequency cap or arbitration.',
  labelNames: ['channel', 'reason'] as const,
  registers: [registry],
});

export const capsTotal = new Counter({
  name: 'waymark_caps_total',
  help: 'Sends skipped by a frequency cap or by cross-journey arbitration.',
  labelNames: ['channel', 'kind'] as const,
  registers: [registry],
});

export const providerDuration = new Histogram({
  name: 'waymark_provider_request_duration_seconds',
  help: 'One provider call (SMTP, Twilio, the web inbox), by result.',
  labelNames: ['provider', 'result'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

export const providerErrorsTotal = new Counter({
  name: 'waymark_provider_errors_total',
  help: 'Provider calls that failed, transient (retried) or permanent (the send fails).',
  labelNames: ['provider', 'kind'] as const,
  registers: [registry],
});

export const audienceProfilesScanned = new Counter({
  name: 'waymark_audience_profiles_scanned_total',
  help: 'Profiles read by audience scans.',
  labelNames: ['audience'] as const,
  registers: [registry],
});

export const audienceMatchesTotal = new Counter({
  name: 'waymark_audience_matches_total',
  help: 'Journey entries found by audience scans, and what routing them did (entered, duplicate).',
  labelNames: ['audience', 'result'] as const,
  registers: [registry],
});

export const audiencePagesTotal = new Counter({
  name: 'waymark_audience_pages_total',
  help: 'Pages of profiles read by audience scans (a scan in progress adds one per page).',
  labelNames: ['audience'] as const,
  registers: [registry],
});
