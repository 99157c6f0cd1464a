// The contract between journey code and its side effects: the activities the SDK calls (implemented in activities/,
// checked there with `satisfies`) and the types journey authors see. Types only: workflow code imports it freely.

export type DeliveryChannel = 'email' | 'sms' | 'web';

export interface DeliveryRequest {
  /** Ledger key, part 1: the journey run's workflow id. */
  workflowId: string;
  /**
   * Ledger key, part 2: the run's entry, the first run id of its chain (`workflowInfo().firstExecutionRunId`): the
   * same across activity retries, replays and continue-as-new, new when a customer re-enters under the same workflow
   * id. Absent only in requests scheduled before entries were part of the key.
   */
  entryId?: string;
  /** Ledger key, part 3: the step id, unique within the run. */
  stepId: string;
  journey: string;
  journeyVersion: number;
  /** The trigger, in words for the "why you got this" line, e.g. "you left items in your cart". */
  reason?: string;
  customerId: string;
  channel: DeliveryChannel;
  template: string;
  topic?: string;
  legallyRequired?: boolean;
  data: Record<string, unknown>;
  /**
   * Workflow time of the ask (ISO). The deliver activity judges quiet hours and cap windows at its attempt's own time:
   * the latest of this, the Temporal server's time when it scheduled the attempt, and the worker's clock (so a retry
   * after an outage is judged when it happens, and time-skipping tests are judged on the test server's clock).
   */
  at: string;
  /** Over a frequency cap: `skip` answers `capped`; `defer` answers `deferred` until the window frees up. */
  onCap: 'skip' | 'defer';
  /** ISO instant: a send judged after it is `skipped` as missed (the date it was about has passed). */
  skipAfter?: string;
}

/**
 * sent: the provider accepted it (or the ledger shows an earlier attempt did).
 * deferred: inside quiet hours, over a cap with onCap=defer, or the provider out for longer than the activity's
 * retries; the workflow sleeps until `until` and asks again.
 * capped: over a frequency cap. blocked: no consent or no address. failed: permanent provider error.
 * skipped: judged after its `skipAfter` deadline (a missed date): nothing went out, on purpose.
 * unknown: the provider got the request and its answer was lost; it may have gone out and is never sent again.
 */
export type DeliveryStatus = 'sent' | 'deferred' | 'capped' | 'blocked' | 'failed' | 'skipped' | 'unknown';

export interface DeliveryOutcome {
  status: DeliveryStatus;
  reason?: string;
  /** ISO time to try again at, for `deferred`. */
  until?: string;
  providerMessageId?: string;
}

/** What a send step returns to the journey author. */
export interface SendResult {
  status: Exclude<DeliveryStatus, 'deferred'>;
  reason?: string;
  providerMessageId?: string;
}

export interface EligibilityRequest {
  customerId: string;
  filter: Record<string, unknown>;
}

export interface EligibilityResult {
  eligible: boolean;
  /** The filter's top-level conditions the profile fails, e.g. `consent.email.status`; `profile` if none exists. */
  failed: string[];
}

/** The profile fields journeys may branch on (no secrets, serialisable). */
export interface ProfileView {
  id: string;
  /** An anonymous visitor's profile (no email or phone until they identify). */
  anonymous: boolean;
  /** The segments the customer is in now (segments/). */
  segments: string[];
  /** The engagement score as last computed (segments/score-model.ts), if the model has scored the customer. */
  score?: number;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  timeZone?: string;
  locale?: string;
  attributes: Record<string, unknown>;
  policies: Array<{
    policyId: string;
    product: string;
    status: string;
    renewalDate?: string;
  }>;
  dependents: Array<{
    dependentId: string;
    firstName?: string;
    birthDate: string;
    policyId?: string;
    customerId?: string;
    covered: boolean;
  }>;
}

/** The activities the journey SDK calls through proxyActivities (sdk/activity-proxies.ts). */
export interface JourneyActivities {
  /** The one send path: consent, quiet hours, caps, the ledger, the provider. */
  deliver(request: DeliveryRequest): Promise<DeliveryOutcome>;
  checkEligibility(request: EligibilityRequest): Promise<EligibilityResult>;
  loadProfile(request: { customerId: string }): Promise<ProfileView | null>;
}
