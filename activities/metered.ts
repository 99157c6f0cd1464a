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

/** Counts audience scan progress: pages and profiles read, entries found and what routing did with them. */
export function meteredAudienceActivities<A extends AudienceActivities>(activities: A): A {
  return {
    ...activities,
    async scanAudiencePage(input) {
      const page = await activities.scanAudiencePage(input);
      audiencePagesTotal.inc({ audience: input.audience });
      audienceProfilesScanned.inc({ audience: input.audience }, page.profilesScanned);
      return page;
    },
    async enterAudienceMatches(matches) {
      const result = await activities.enterAudienceMatches(matches);
      const signal = matches[0]?.event.signal ?? 'none';
      audienceMatchesTotal.inc({ signal, result: 'entered' }, result.entered);
      audienceMatchesTotal.inc({ signal, result: 'duplicate' }, result.duplicates);
      return result;
    },
  };
}
