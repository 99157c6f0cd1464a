import { dependentTurning26Audience, renewalWindowAudience } from '../../journeys';
import { findAudience } from '../../journeys/find-audience';
import type { DependentsProfile } from '../../journeys/dependent-turning-26/audience';
import type { RenewalProfile } from '../../journeys/renewal-window/audience';
import { addYears, audienceEventId, defineAudience } from '../../sdk';

const window = { start: new Date('2026-12-01T00:00:00Z'), end: new Date('2026-12-31T00:00:00Z') };

describe('renewal-window audience', () => {
  const profile: RenewalProfile = {
    _id: 'cust-1',
    policies: [
      { policyId: 'in-window', status: 'active', renewalDate: new Date('2026-12-10T00:00:00Z') },
      { policyId: 'cancelled', status: 'cancelled', renewalDate: new Date('2026-12-11T00:00:00Z') },
      { policyId: 'too-late', status: 'active', renewalDate: new Date('2026-12-31T00:00:00Z') },
      { policyId: 'past', status: 'active', renewalDate: new Date('2026-11-30T23:59:59Z') },
    ],
  };

  test('matches active policies renewing inside the window only, one policy.renewal-due event each', () => {
    const matches = renewalWindowAudience.matchesOf(profile, window);
    expect(matches.map((m) => m.key)).toEqual(['in-window']);
    expect(matches[0]).toMatchObject({
      customerId: 'cust-1',
      event: {
        signal: 'policy.renewal-due',
        customerId: 'cust-1',
        data: { policyId: 'in-window', renewalDate: '2026-12-10T00:00:00.000Z' },
      },
    });
  });

  test('event ids are the same on every scan of the same date, and differ when the date moves', () => {
    const first = renewalWindowAudience.matchesOf(profile, window)[0].event.id;
    const later = renewalWindowAudience.matchesOf(profile, { ...window, start: new Date('2026-12-05T00:00:00Z') });
    expect(later[0].event.id).toBe(first);
    expect(first).toBe(audienceEventId('renewal-window', 'cust-1', 'in-window', '2026-12-10'));
    const moved = renewalWindowAudience.matchesOf(
      { _id: 'cust-1', policies: [{ policyId: 'in-window', status: 'active', renewalDate: new Date('2026-12-20') }] },
      window,
    );
    expect(moved[0].event.id).not.toBe(first);
  });

  test('the MongoDB filter ranges over the indexed renewal date', () => {
    expect(renewalWindowAudience.filter(window)).toEqual({
      'policies.renewalDate': { $gte: window.start, $lt: window.end },
    });
  });
});

describe('dependent-turning-26 audience', () => {
  const profile: DependentsProfile = {
    _id: 'parent-1',
    dependents: [
      {
        dependentId: 'turns-in-window',
        birthDate: new Date('2000-12-15T00:00:00Z'),
        policyId: 'pol-1',
        firstName: 'Ada',
      },
      { dependentId: 'already-covered', birthDate: new Date('2000-12-16T00:00:00Z'), policyId: 'pol-1', covered: true },
      { dependentId: 'turns-next-year', birthDate: new Date('2001-12-15T00:00:00Z'), policyId: 'pol-1' },
      { dependentId: 'no-policy', birthDate: new Date('2000-12-15T00:00:00Z') },
    ],
  };

  test('matches uncovered dependents whose 26th birthday falls in the window', () => {
    const matches = dependentTurning26Audience.matchesOf(profile, window);
    expect(matches.map((m) => m.key)).toEqual(['turns-in-window']);
    expect(matches[0].event).toMatchObject({
      id: 'audience:dependent-turning-26:parent-1:turns-in-window:2026-12-15',
      signal: 'dependent.turning-26',
      data: {
        policyId: 'pol-1',
        dependentId: 'turns-in-window',
        birthDate: '2000-12-15',
        turns26On: '2026-12-15',
        firstName: 'Ada',
      },
    });
  });

  test('the filter reaches back 26 years and includes a 29 February birthday that turns 26 on 1 March', () => {
    const march = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-02T00:00:00Z') };
    const leapling: DependentsProfile = {
      _id: 'p',
      dependents: [{ dependentId: 'leap', birthDate: new Date('2000-02-29T00:00:00Z'), policyId: 'pol' }],
    };
    const range = dependentTurning26Audience.filter(march)['dependents.birthDate'] as { $gte: Date; $lt: Date };
    expect(range.$gte.getTime()).toBeLessThanOrEqual(new Date('2000-02-29T00:00:00Z').getTime());
    expect(range.$lt).toEqual(addYears(march.end, -26));
    expect(dependentTurning26Audience.matchesOf(leapling, march).map((m) => m.key)).toEqual(['leap']);
  });
});

test('an unknown audience names the known ones', () => {
  expect(() => findAudience('birthdays')).toThrow(/known audiences: renewal-window, dependent-turning-26/);
});

describe('an audience declares the profile fields it reads', () => {
  const trialEnding = {
    name: 'trial-ending',
    description: 'Test.',
    signal: 'trial.ending',
    dateField: 'attributes.trialEndsAt',
    projection: ['attributes.trialEndsAt', 'attributes.plan'],
    windowDays: 7,
    hourUtc: 6,
    filter: () => ({}),
    matchesOf: () => [],
  };

  test('any date field path and projection are accepted', () => {
    expect(defineAudience(trialEnding)).toMatchObject({ dateField: 'attributes.trialEndsAt' });
    expect(renewalWindowAudience).toMatchObject({ dateField: 'policies.renewalDate', projection: ['policies'] });
    expect(dependentTurning26Audience).toMatchObject({ dateField: 'dependents.birthDate', projection: ['dependents'] });
  });

  test.each([
    ['dateField', { dateField: 'attributes.$where' }, /'attributes.\$where' is not a profile field path/],
    ['dateField', { dateField: '' }, /'' is not a profile field path/],
    ['projection', { projection: ['attributes..plan'] }, /'attributes..plan' is not a profile field path/],
    ['projection', { projection: ['_id'] }, /'_id' is not a profile field path/],
    ['projection', { projection: [] }, /projection must name the profile fields matchesOf reads/],
  ])('a bad %s is refused where the audience is defined', (_field, change, message) => {
    expect(() => defineAudience({ ...trialEnding, ...change })).toThrow(message);
  });
});
