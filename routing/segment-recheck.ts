import { Profile } from '../models/profile';
import type { RecheckCustomer, SegmentChange } from '../sdk/contracts/segment-recheck';
import { inCustomerLane } from './customer-lanes';
import { routeSegmentChanges, type RouterDeps } from './event-router';
import { customerModel, planUpkeep, writeUpkeep, type UpkeepProfile } from './segment-upkeep';

/** A profile written by someone else between our read and our write this many times in a row is left to them. */
const ATTEMPTS = 3;

/**
 * A behaviour window lapsed (no event needed): the customer's segments are evaluated again at `now` and the exits
 * routed as segment.exited, reason `window lapsed`. The write is conditional on the profile being unchanged since it
 * was read (its `updatedAt`), so an event upkept at the same moment in another process is never overwritten: the
 * profile is read and judged again. The events' ids derive from the recheck time the profile held, so a retried page
 * routes none twice.
 */
export async function recheckCustomer(
  deps: RouterDeps,
  customerId: string,
  now: Date = new Date(),
): Promise<SegmentChange[]> {
  const model = deps.customers ?? customerModel('on');
  if (model.segments.length === 0) return [];
  const outcome = await inCustomerLane(customerId, async () => {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const profile = await Profile.findById(customerId).lean<UpkeepProfile>();
      const due = profile?.segmentsRecheckAt;
      if (!profile || profile.mergedInto || !due || due.getTime() > now.getTime()) return undefined;
      const plan = planUpkeep(model, profile, undefined, now);
      if (await writeUpkeep(customerId, plan, { updatedAt: profile.updatedAt ?? null })) {
        return { changes: plan.changes, cause: `recheck:${due.toISOString()}` };
      }
    }
    return undefined; // written by others each time: their upkeep judged the windows at their own moment
  });
  if (!outcome) return [];
  await routeSegmentChanges(deps, customerId, outcome.changes, { id: outcome.cause, reason: 'window lapsed' });
  return outcome.changes;
}

/** `recheckCustomer` bound to the router: what the worker hands the segment-recheck activity. */
export function createSegmentRechecker(deps: RouterDeps): RecheckCustomer {
  return (customerId, now) => recheckCustomer(deps, customerId, now);
}
