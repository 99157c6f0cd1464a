import type { DeliveryChannel } from '../sdk/contracts/journey-activities';

export type CapPeriod = 'day' | 'week';

export interface CapRule {
  limit: number;
  period: CapPeriod;
}

/** Per channel: the cap across all journeys, and per-journey limits that replace it for that journey's sends. */
export interface FrequencyCaps {
  channels: Partial<Record<DeliveryChannel, CapRule>>;
  /** `journey` → channel → limit within the channel's period (counted against the same shared slots). */
  journeys: Record<string, Partial<Record<DeliveryChannel, number>>>;
}

export const DEFAULT_FREQUENCY_CAPS = 'sms=1/day,email=3/week';

const CHANNELS = new Set<string>(['email', 'sms', 'web']);

/**
 * Parses FREQUENCY_CAPS: comma-separated `<channel>=<n>/<day|week>` (a cap across all journeys) and
 * `<journey>:<channel>=<n>` (that journey may send while fewer than n messages went out on the channel in the
 * current window, from any journey). A channel without an entry is not capped.
 * Example: `sms=1/day,email=3/week,renewal-window:email=5`.
 */
export function parseFrequencyCaps(spec: string): FrequencyCaps {
  const caps: FrequencyCaps = { channels: {}, journeys: {} };
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const channelCap = /^(\w+)=(\d+)\/(day|week)$/.exec(entry);
    const journeyCap = /^([a-z][a-z0-9-]*):(\w+)=(\d+)$/.exec(entry);
    if (channelCap && CHANNELS.has(channelCap[1]!)) {
      caps.channels[channelCap[1] as DeliveryChannel] = {
        limit: Number(channelCap[2]),
        period: channelCap[3] as CapPeriod,
      };
    } else if (journeyCap && CHANNELS.has(journeyCap[2]!)) {
      const perJourney = (caps.journeys[journeyCap[1]!] ??= {});
      perJourney[journeyCap[2] as DeliveryChannel] = Number(journeyCap[3]);
    } else {
      throw new Error(`FREQUENCY_CAPS: cannot read '${entry}' (want sms=1/day or <journey>:email=5)`);
    }
  }
  for (const journey of Object.keys(caps.journeys)) {
    for (const channel of Object.keys(caps.journeys[journey]!)) {
      if (!caps.channels[channel as DeliveryChannel]) {
        throw new Error(`FREQUENCY_CAPS: ${journey}:${channel} overrides a cap, but ${channel} has none`);
      }
    }
  }
  return caps;
}

/** The rule for one send, with the journey's limit when it has one; undefined = not capped. */
export function capFor(caps: FrequencyCaps, journey: string, channel: DeliveryChannel): CapRule | undefined {
  const rule = caps.channels[channel];
  if (!rule) return undefined;
  const override = caps.journeys[journey]?.[channel];
  return override === undefined ? rule : { ...rule, limit: override };
}
