import { dependentTurning26, policyRenewalDue, type JourneyEvent } from '../signals';
import type { AudienceMatch, AudienceName } from './audience-types';

/** The profile fields an audience reads; the scan projects only these. */
export interface AudienceProfile {
  _id: string;
  policies?: Array<{ policyId: string; status?: string | null; renewalDate?: Date | null }>;
  dependents?: Array<{
    dependentId: string;
    firstName?: string | null;
    birthDate: Date;
    policyId?: string | null;
    customerId?: string | null;
    covered?: boolean | null;
  }>;
}

export interface AudienceWindow {
  start: Date;
  end: Date;
}

export interface AudienceDefinition {
  readonly name: AudienceName;
  readonly description: string;
  /** The trigger signal each match emits. */
  readonly signal: string;
  /** The indexed date field the query ranges over (also the hint, so MongoDB serves it from that index). */
  readonly indexedField: 'policies.renewalDate' | 'dependents.birthDate';
  /** MongoDB filter for profiles that may match (array-any semantics); `matchesOf` picks the exact entries. */
  filter(window: AudienceWindow): Record<string, unknown>;
  matchesOf(profile: AudienceProfile, window: AudienceWindow): AudienceMatch[];
}

const TURNING_AGE = 26;
const DAY_MS = 24 * 60 * 60 * 1000;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `date` moved by whole years in UTC (29 February lands on 1 March in other years). */
export function addYears(date: Date, years: number): Date {
  const moved = new Date(date.getTime());
  moved.setUTCFullYear(moved.getUTCFullYear() + years);
  return moved;
}

/** Same inputs, same id: a re-run or an overlapping scan delivers an event the journey has already seen. */
export function audienceEventId(audience: AudienceName, customerId: string, key: string, date: string): string {
  return `audience:${audience}:${customerId}:${key}:${date}`;
}

function inWindow(date: Date | null | undefined, window: AudienceWindow): date is Date {
  return !!date && date >= window.start && date < window.end;
}

function audienceEvent(
  audience: AudienceName,
  signal: { name: string; version: number },
  customerId: string,
  key: string,
  date: string,
  window: AudienceWindow,
  data: unknown,
): JourneyEvent {
  return {
    id: audienceEventId(audience, customerId, key, date),
    signal: signal.name,
    version: signal.version,
    customerId,
    occurredAt: window.start.toISOString(),
    data,
  };
}

export const renewalWindowAudience: AudienceDefinition = {
  name: 'renewal-window',
  description: 'Active policies whose renewal date falls within the window; emits policy.renewal-due per policy.',
  signal: policyRenewalDue.name,
  indexedField: 'policies.renewalDate',
  filter: (window) => ({ 'policies.renewalDate': { $gte: window.start, $lt: window.end } }),
  matchesOf(profile, window) {
    return (profile.policies ?? [])
      .filter((p) => (p.status ?? 'active') === 'active' && inWindow(p.renewalDate, window))
      .map((p) => {
        const renewalDate = p.renewalDate as Date;
        const data = policyRenewalDue.schema.parse({ policyId: p.policyId, renewalDate: renewalDate.toISOString() });
        const event = audienceEvent(
          'renewal-window',
          policyRenewalDue,
          profile._id,
          p.policyId,
          isoDate(renewalDate),
          window,
          data,
        );
        return { customerId: profile._id, key: p.policyId, event };
      });
  },
};

export const dependentTurning26Audience: AudienceDefinition = {
  name: 'dependent-turning-26',
  description:
    'Dependents not yet covered by a policy of their own whose 26th birthday falls within the window; ' +
    'emits dependent.turning-26 per dependent.',
  signal: dependentTurning26.name,
  indexedField: 'dependents.birthDate',
  // One day of slack at the start: a 29 February birthday turns 26 on 1 March; matchesOf applies the exact window.
  filter: (window) => ({
    'dependents.birthDate': {
      $gte: new Date(addYears(window.start, -TURNING_AGE).getTime() - DAY_MS),
      $lt: addYears(window.end, -TURNING_AGE),
    },
  }),
  matchesOf(profile, window) {
    return (profile.dependents ?? [])
      .filter((d) => !d.covered && !!d.policyId && inWindow(addYears(d.birthDate, TURNING_AGE), window))
      .map((d) => {
        const turns26On = isoDate(addYears(d.birthDate, TURNING_AGE));
        const data = dependentTurning26.schema.parse({
          policyId: d.policyId,
          dependentId: d.dependentId,
          birthDate: isoDate(d.birthDate),
          turns26On,
          ...(d.firstName ? { firstName: d.firstName } : {}),
          ...(d.customerId ? { dependentCustomerId: d.customerId } : {}),
        });
        const event = audienceEvent(
          'dependent-turning-26',
          dependentTurning26,
          profile._id,
          d.dependentId,
          turns26On,
          window,
          data,
        );
        return { customerId: profile._id, key: d.dependentId, event };
      });
  },
};

export const audienceCatalog: readonly AudienceDefinition[] = [renewalWindowAudience, dependentTurning26Audience];

export function findAudience(name: string): AudienceDefinition {
  const audience = audienceCatalog.find((a) => a.name === name);
  if (!audience) {
    const known = audienceCatalog.map((a) => a.name).join(', ');
    throw new Error(`unknown audience "${name}"; known audiences: ${known}`);
  }
  return audience;
}
