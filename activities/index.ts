import type { Transporter } from 'nodemailer';
import type { Twilio } from 'twilio';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import { createRouterForActivities } from './audience-router';
import { createAudienceActivities } from './audience-activities';
import { createDeliver } from './deliver';
import { checkEligibility } from './eligibility';
import { loadProfile } from './load-profile';

/** What activities need from the process: one pooled SMTP transport, one Twilio client, the Temporal client. */
export interface ActivityDeps {
  config: Config;
  mailer: Transporter;
  twilio: Twilio;
  temporal: Client;
}

/**
 * Every side effect of a journey, bound to its dependencies (samples-typescript's dependency-injection style).
 * Workflows import `type WaymarkActivities` only and call these through proxyActivities.
 */
export function createActivities(deps: ActivityDeps) {
  void deps;
  return {
    checkEligibility,
    loadProfile,
    deliver: createDeliver(deps),
    ...createAudienceActivities({ routeEvent: createRouterForActivities(deps) }),
  };
}

export type WaymarkActivities = ReturnType<typeof createActivities>;
