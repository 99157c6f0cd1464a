// Known values: R's prop.test(c(60, 40), c(200, 200), correct = FALSE) gives X-squared = 5.3333 (z = 2.3094),
// p-value = 0.02092 and the 95% interval 0.0157 to 0.1843; Φ and Φ⁻¹ against standard tables.
import { compareProportions, normalCdf, normalQuantile, rate } from '../../analytics/proportions';
import { judge, type ArmReport } from '../../analytics/experiment-report';

describe('the normal distribution', () => {
  it('matches the tables', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021, 6);
    expect(normalCdf(-1.6448536)).toBeCloseTo(0.05, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.5)).toBeCloseTo(0, 6);
  });
});

describe('two-proportion z-test', () => {
  it('matches prop.test without continuity correction', () => {
    const result = compareProportions({ conversions: 60, entries: 200 }, { conversions: 40, entries: 200 })!;
    expect(result.uplift).toBeCloseTo(0.1, 12);
    expect(result.relativeUplift).toBeCloseTo(0.5, 12);
    expect(result.z).toBeCloseTo(2.3094011, 6);
    expect(result.z ** 2).toBeCloseTo(5.3333, 4);
    expect(result.pValue).toBeCloseTo(0.0209213, 6);
    expect(result.interval[0]).toBeCloseTo(0.0156988, 6);
    expect(result.interval[1]).toBeCloseTo(0.1843012, 6);
  });

  it('is symmetric, finds nothing in equal rates, and waits for entries on both sides', () => {
    const worse = compareProportions({ conversions: 40, entries: 200 }, { conversions: 60, entries: 200 })!;
    expect(worse.z).toBeCloseTo(-2.3094011, 6);
    expect(worse.pValue).toBeCloseTo(0.0209213, 6);
    expect(compareProportions({ conversions: 5, entries: 50 }, { conversions: 10, entries: 100 })).toMatchObject({
      uplift: 0,
      z: 0,
      pValue: 1,
    });
    // Nobody converted anywhere: no evidence either way, and no relative uplift over a zero rate.
    const none = compareProportions({ conversions: 0, entries: 10 }, { conversions: 0, entries: 10 })!;
    expect(none).toMatchObject({ z: 0, pValue: 1 });
    expect(none.relativeUplift).toBeUndefined();
    expect(compareProportions({ conversions: 1, entries: 1 }, { conversions: 0, entries: 0 })).toBeUndefined();
    expect(rate({ conversions: 0, entries: 0 })).toBe(0);
  });
});

describe('the verdict', () => {
  const arm = (name: string, converted: number, entries: number, holdout?: ArmReport): ArmReport => {
    const row: ArmReport = {
      arm: name,
      holdout: name === 'holdout',
      entries,
      ended: entries,
      converted,
      conversionRate: converted / entries,
      messages: {},
    };
    const vs =
      holdout &&
      compareProportions(
        { conversions: converted, entries },
        { conversions: holdout.converted, entries: holdout.entries },
      );
    return vs ? { ...row, vsHoldout: vs } : row;
  };

  it('names a winner only when it beats the holdout (Bonferroni) and the runner-up', () => {
    const holdout = arm('holdout', 10, 250);
    const clear = [holdout, arm('a', 30, 250, holdout), arm('b', 50, 250, holdout), arm('c', 25, 250, holdout)];
    expect(judge(clear)).toMatchObject({ leader: 'b', winner: 'b' });
    expect(judge(clear).verdict).toMatch(/^b wins \(vs holdout p=.+ < 0\.017, vs a p=.+ < 0\.05\)$/);

    const close = [holdout, arm('a', 45, 250, holdout), arm('b', 50, 250, holdout)];
    const verdict = judge(close);
    expect(verdict.leader).toBe('b');
    expect(verdict.winner).toBeUndefined();
    expect(verdict.verdict).toMatch(/^no winner yet: b leads .*vs a p=.* ≥ 0\.05/);

    expect(judge([holdout]).verdict).toBe('no arm has entries yet');
  });
});
