import { ApplicationFailure } from '@temporalio/common';
import {
  audienceMatchesTotal,
  audiencePagesTotal,
  audienceProfilesScanned,
  capsTotal,
  deferralsTotal,
  sendsTotal,
} from '../metrics/registry';
import type { AudienceActivities } from '../sdk/contracts/audience';
import type { DeliveryOutcome, JourneyActivities } from '../sdk/contracts/journey-activities';

/** Why a send was held back, as a bounded metric label (the ledger keeps the full reason). */
export function holdBackKind(reason: string | undefined): 'quiet_hours' | 'arbitration' | 'frequency_cap' | 'other' {
  if (reason === 'quiet hours') return 'quiet_hours';
  if (reason?.startsWith('arbitration:')) return 'arbitration';
  if (reason && / cap \d+\/(day|week) reached$/.test(reason)) return 'frequency_cap';
  return 'other';
}

/** Counts every answer of the send path: sends by channel and outcome, deferrals and caps by why. */
export function meteredDeliver(deliver: JourneyActivities['deliver']): JourneyActivities['deliver'] {
  return async function deliverCounted(request) {
    let outcome: DeliveryOutcome;
    try {
      outcome = await deliver(request);
    } catch (error) {
      const retried = !(error instanceof ApplicationFailure && error.nonRetryable);
      sendsTotal.inc({ channel: request.channel, outcome: retried ? 'retry' : 'failed', journey: request.journey });
      throw error;
    }
    sendsTotal.inc({ channel: request.channel, outcome: outcome.status, journey: request.journey });
    if (outcome.status === 'deferred') {
      deferralsTotal.inc({ channel: request.channel, reason: holdBackKind(outcome.reason) });
    } else if (outcome.status === 'capped') {
      const kind = holdBackKind(outcome.reason) === 'arbitration' ? 'arbitration' : 'frequency';
      capsTotal.inc({ channel: request.channel, kind });
    }
    return outcome;
  };
}

/** Counts audience scan progress as each scan call returns: pages and profiles read, entries and repeats. */
export function meteredAudienceActivities<A extends AudienceActivities>(activities: A): A {
  return {
    ...activities,
    async scanAudience(input) {
      const result = await activities.scanAudience(input);
      const audience = { audience: input.audience };
      audiencePagesTotal.inc(audience, result.pages);
      audienceProfilesScanned.inc(audience, result.profilesScanned);
      audienceMatchesTotal.inc({ ...audience, result: 'entered' }, result.entered);
      audienceMatchesTotal.inc({ ...audience, result: 'duplicate' }, result.duplicates);
      return result;
    },
  };
}
