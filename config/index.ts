import { z } from 'zod';
import { DEV_SECRETS, secretProblems, type SecretSetting } from './secrets';

// Every setting comes from the environment; `npm start` and the test setup fill in the embedded stack's addresses.
const configSchema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('waymark'),
  MONGODB_URI: z.string().default('mongodb://127.0.0.1:27017/waymark'),
  SMTP_URL: z.string().default('smtp://127.0.0.1:2525'),
  EMAIL_FROM: z.string().default('Waymark <journeys@waymark.local>'),
  TWILIO_ACCOUNT_SID: z.string().default('ACwaymarkdev0000000000000000000000'),
  /** Unset: no Twilio (the webhooks are not mounted, SMS sends fail). The embedded stack sets its sink's token. */
  TWILIO_AUTH_TOKEN: z.string().optional(),
  /** Base URL of Twilio's REST API; points at the Twilio sink on the embedded stack. Unset = api.twilio.com. */
  TWILIO_API_URL: z.string().optional(),
  TWILIO_FROM: z.string().default('+15005550006'),
  API_HOST: z.string().default('127.0.0.1'),
  API_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /**
   * Comma-separated API keys accepted in `Authorization: Bearer <key>` or `x-api-key`, each `key` or `key:scope`
   * (api/api-key-scopes.ts): `admin` (everything; a key without a scope), `ingest` (POST /v1/events only: event
   * sources), `site` (ingest + customer tokens: a site's backend), `codec` (the payload codec endpoint only).
   */
  API_KEYS: z.string().default(DEV_SECRETS.API_KEYS),
  /** Public base URL of the API, used in unsubscribe links and Twilio signature checks. */
  PUBLIC_URL: z.string().default('http://127.0.0.1:3000'),
  /** Secret that signs unsubscribe tokens. */
  UNSUBSCRIBE_SECRET: z.string().default(DEV_SECRETS.UNSUBSCRIBE_SECRET),
  /** Secret that signs customer tokens (web messages and their stream, api/customer-token.ts). */
  CUSTOMER_TOKEN_SECRET: z.string().default(DEV_SECRETS.CUSTOMER_TOKEN_SECRET),
  /** How long a customer token is valid, in seconds (at most a day). */
  CUSTOMER_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
  /** Open web-message streams (SSE) one customer may hold at once; one more answers 429. */
  SSE_MAX_STREAMS_PER_CUSTOMER: z.coerce.number().int().min(1).max(100).default(3),
  /**
   * Keys of the Temporal payload codec (AES-256-GCM), comma-separated `keyId:base64(32 bytes)`. The first encrypts;
   * every key decrypts, so a key is rotated by putting a new one first and keeping the old ones while histories
   * encrypted with them are kept (codec/).
   */
  PAYLOAD_CODEC_KEYS: z.string().default(DEV_SECRETS.PAYLOAD_CODEC_KEYS),
  /** Origins (the Temporal UI's) allowed to call the codec endpoint from a browser, comma-separated. */
  CODEC_CORS_ORIGINS: z.string().default('http://127.0.0.1:8233,http://localhost:8233'),
  /** Events are deleted this many days after they were received (the retention sweep; TTL index on MongoDB). */
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  /** The hour (UTC) of the daily retention sweep. */
  RETENTION_SWEEP_HOUR_UTC: z.coerce.number().int().min(0).max(23).default(3),
  DEFAULT_TIME_ZONE: z.string().default('UTC'),
  /** Quiet hours in the customer's time zone, `HH:mm-HH:mm`; empty = none. */
  QUIET_HOURS: z.string().default('21:00-08:00'),
  /** Frequency caps across journeys, e.g. `sms=1/day,email=3/week,renewal-window:email=5` (see frequency-cap-rules). */
  FREQUENCY_CAPS: z.string().default('sms=1/day,email=3/week'),
  /**
   * Cross-journey arbitration: a journey's send waits for (or skips) a message of a higher-priority journey that
   * reached the same customer on the same channel within this window, e.g. `12 hours`; empty = no arbitration.
   */
  ARBITRATION_WINDOW: z.string().default('12 hours'),
  /** How long a web (in-app) message stays visible. */
  WEB_MESSAGE_TTL_DAYS: z.coerce.number().positive().default(14),
  LOG_LEVEL: z.string().default('info'),
  /** Where the worker serves its Prometheus `/metrics` (the API serves its own on API_PORT). */
  METRICS_HOST: z.string().default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  /**
   * Where the Temporal SDK's own Prometheus exporter listens (on METRICS_HOST); the worker's /metrics forwards its
   * families (task latencies, slots, polls). 0 turns it off.
   */
  TEMPORAL_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9465),
  /**
   * `on`: every event and profile change keeps the segments (segments/) and the engagement score current on the
   * profile and routes segment.entered / segment.exited. `off`: neither (bench/segments.ts measures the difference).
   */
  SEGMENT_UPKEEP: z.enum(['on', 'off']).default('on'),
  /**
   * How often the segment recheck sweep looks for behaviour windows that lapsed without an event (a customer leaves
   * window-shoppers when their last views age out), e.g. `1 hour`. How late an exit may be, at most.
   */
  SEGMENT_RECHECK_EVERY: z.string().default('15 minutes'),
  /**
   * How often the outbox sweep (a Temporal Schedule) routes events that were recorded but not routed (a crash, or
   * Temporal away when they came in), e.g. `1 minute`, `30 seconds`.
   */
  OUTBOX_SWEEP_EVERY: z.string().default('1 minute'),
  /**
   * Workflow runs a worker keeps in memory between their tasks (Temporal's sticky cache, `maxCachedWorkflows`); 0
   * turns it off. A run evicted from it replays its history on its next task (milliseconds for a journey), so this
   * bounds the worker's memory, not how many runs it serves. The SDK's own default (about 600 per GiB of V8 heap,
   * 2,310 on a 24 GiB machine) puts a worker with many waiting runs over 1 GiB (bench/memory.ts).
   */
  WORKER_MAX_CACHED_WORKFLOWS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().int().min(0).default(1000),
  ),
  /**
   * A workflow bundle built ahead (`bundleWorkflowCode` from @temporalio/worker, written to a file): the worker loads
   * it instead of bundling workflows/ at start, as Temporal recommends for production (and restarts take seconds).
   */
  WORKFLOW_BUNDLE: z.string().optional(),
  /**
   * Fault suite only (test/faults): `<point>:<n>[:<maxDelayMs>]` makes the worker SIGKILL itself the n-th time the
   * send path passes <point> (after-claim, call-started, after-accept), after a random delay up to maxDelayMs. Unset
   * in production: every fault point is a no-op.
   */
  WAYMARK_FAULT_KILL: z.string().optional(),
});

export type Config = z.infer<typeof configSchema>;

/**
 * The settings from the environment. Outside the embedded dev stack (`WAYMARK_DEV_STACK=1`) the secrets a process
 * uses (`secrets`, default all) must be set to values of your own (config/secrets.ts): an empty or published one
 * stops the process with the variable's name.
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  options: { secrets?: readonly SecretSetting[] } = {},
): Config {
  const parsed = configSchema.safeParse(env);
  const lines = parsed.success ? [] : parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
  lines.push(...secretProblems(env, options.secrets).map((problem) => `  ${problem}`));
  if (!parsed.success || lines.length > 0) {
    throw new Error(`waymark: invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export { DEV_SECRETS, type SecretSetting } from './secrets';
