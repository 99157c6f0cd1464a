import type { DeliveryChannel } from '../sdk/contracts/journey-activities';

/** The parts of a profile consent decisions read (a lean Profile document fits). */
export interface ConsentProfile {
  email?: string | null;
  phone?: string | null;
  anonymous?: boolean | null;
  consent?: Partial<
    Record<DeliveryChannel, { status?: string | null; topics?: Map<string, boolean> | Record<string, boolean> | null }>
  > | null;
}

export type ConsentDecision = { allowed: true; address?: string } | { allowed: false; reason: string };

/**
 * Channel status `unknown` (never asked) per channel:
 * - sms: not granted. TCPA/carrier rules need prior express consent for marketing texts.
 * - email: not granted either. Consent is checked at send time, and an address on file is not an opt-in (GDPR);
 *   importers set `granted` where they hold consent. Legally required notices still go to `unknown` email.
 * - web: granted. An in-app message is shown inside the customer's own signed-in session and sends nothing to a
 *   device; only an explicit `revoked` stops it.
 * A channel `revoked` (hard opt-out) blocks everything, legally required or not. A topic set to false blocks
 * unless the send is legally required.
 */
export function decideConsent(
  profile: ConsentProfile | null,
  channel: DeliveryChannel,
  topic: string | undefined,
  legallyRequired: boolean,
): ConsentDecision {
  if (!profile) return { allowed: false, reason: 'no profile' };
  const address = channel === 'email' ? profile.email : channel === 'sms' ? profile.phone : undefined;
  if (channel !== 'web' && !address) {
    if (profile.anonymous) return { allowed: false, reason: 'no address: an anonymous visitor, until they identify' };
    return { allowed: false, reason: `no ${channel === 'email' ? 'email address' : 'phone number'}` };
  }
  const consent = profile.consent?.[channel];
  const status = consent?.status ?? 'unknown';
  if (status === 'revoked') return { allowed: false, reason: `${channel} consent revoked` };
  if (topic && topicValue(consent?.topics, topic) === false && !legallyRequired) {
    return { allowed: false, reason: `opted out of ${topic} by ${channel}` };
  }
  const unknownAllowed = channel === 'web' || (channel === 'email' && legallyRequired);
  if (status !== 'granted' && !(status === 'unknown' && unknownAllowed)) {
    return { allowed: false, reason: `no ${channel} consent` };
  }
  return address ? { allowed: true, address } : { allowed: true };
}

function topicValue(
  topics: Map<string, boolean> | Record<string, boolean> | null | undefined,
  topic: string,
): boolean | undefined {
  if (!topics) return undefined;
  return topics instanceof Map ? topics.get(topic) : topics[topic];
}
