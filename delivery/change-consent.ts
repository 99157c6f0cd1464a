import { Profile } from '../models/profile';
import type { DeliveryChannel } from '../sdk/contracts/journey-activities';

export interface ConsentChange {
  customerId: string;
  channel: DeliveryChannel;
  status: 'granted' | 'revoked';
  /** A topic on the channel; absent = the channel itself. */
  topic?: string;
  /** unsubscribe-link, sms-keyword, ... */
  source: string;
  at?: Date;
}

/** Topic names become a field path (`consent.email.topics.<topic>`): no dots, no `$`. */
export const TOPIC_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Writes a consent change to the profile (the send path reads it there, so the next send obeys it at once).
 * A topic grant/revoke sets that topic's flag; a channel change sets the channel status. Returns false when the
 * customer has no profile.
 */
export async function changeConsent(change: ConsentChange): Promise<boolean> {
  const base = `consent.${change.channel}`;
  const set: Record<string, unknown> = {
    [`${base}.updatedAt`]: change.at ?? new Date(),
    [`${base}.source`]: change.source,
  };
  if (change.topic) {
    if (!TOPIC_NAME.test(change.topic)) throw new Error(`bad topic name '${change.topic}'`);
    set[`${base}.topics.${change.topic}`] = change.status === 'granted';
  } else {
    set[`${base}.status`] = change.status;
  }
  const result = await Profile.updateOne({ _id: change.customerId }, { $set: set }).exec();
  return result.matchedCount > 0;
}
