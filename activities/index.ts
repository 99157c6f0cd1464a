import type { Config } from '../config';
import type { Mailer } from '../delivery/providers/smtp-transport';
import type { SmsClient } from '../delivery/providers/twilio-client';
import type { JourneyCatalog } from '../journeys/journey-folder';
import type { OutboxActivities, RouteEvent, SweepOutbox } from '../sdk/contracts/routing';
import type { AudienceActivities } from '../sdk/contracts/audience';
import type { ExperimentActivities } from '../sdk/contracts/experiments';
import type { JourneyActivities } from '../sdk/contracts/journey-activities';
import type { RecheckCustomer, SegmentRecheckActivities } from '../sdk/contracts/segment-recheck';
import type { RetentionActivities } from '../sdk/contracts/retention';
import { createAudienceActivities } from './audience-activities';
import { createDeliver } from './deliver';
import { checkEligibility } from './eligibility';
import { experimentActivities } from './experiments';
import { loadProfile } from './load-profile';
import { meteredAudienceActivities, meteredDeliver } from './metered';
import { createSegmentRecheckActivities } from './segment-recheck';
import { createOutboxActivities } from './outbox-activities';
import { sweepRetention } from './retention';

/** What activities need from the process: one pooled SMTP transport, one Twilio client, the router, the sweeper. */
export interface ActivityDeps {
  config: Config;
  mailer: Mailer;
  twilio: SmsClient;
  /** How audience matches enter their journeys: the same router the API uses (the worker wires it in). */
  routeEvent: RouteEvent;
  /** How the segment recheck sweep evaluates a due profile again: routing/'s recheck (the worker wires it in). */
  recheckCustomer: RecheckCustomer;
  /** routing/'s outbox sweeper, for the `outboxSweep` system workflow. */
  sweepOutbox: SweepOutbox;
  /** The journeys' audiences and templates; default the catalog (journeys/index.ts). */
  catalog?: JourneyCatalog;
}

/**
 * Every side effect of journeys and audience scans, bound to its dependencies (samples-typescript's
 * dependency-injection style), checked against the contracts the workflow code calls through proxyActivities.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    checkEligibility,
    loadProfile,
    deliver: meteredDeliver(createDeliver({ ...deps, templates: deps.catalog?.templates })),
    ...experimentActivities,
    ...meteredAudienceActivities(
      createAudienceActivities({ routeEvent: deps.routeEvent, audiences: deps.catalog?.audiences }),
    ),
    ...createSegmentRecheckActivities({ recheckCustomer: deps.recheckCustomer }),
    ...createOutboxActivities({ sweepOutbox: deps.sweepOutbox }),
    sweepRetention,
  } satisfies JourneyActivities &
    ExperimentActivities &
    AudienceActivities &
    SegmentRecheckActivities &
    OutboxActivities &
    RetentionActivities;
}

export type WaymarkActivities = ReturnType<typeof createActivities>;
