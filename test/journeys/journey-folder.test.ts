import {
  abandonedCart,
  abandonedCartV3,
  catalog,
  dependentTurning26Audience,
  renewalWindow,
  renewalWindowAudience,
  renewalWindowV1,
} from '../../journeys';
import { catalogOf, defineJourneyFolder } from '../../journeys/journey-folder';
import { findTemplate } from '../../journeys/templates';

test('the catalog collects every folder: versions in order, audiences, and templates under the journey name', () => {
  expect(catalog.journeys.map((w) => w.workflowType)).toEqual([
    'abandonedCartV1',
    'abandonedCartV2',
    'abandonedCartV3',
    'renewalWindowV1',
    'dependentTurning26V1',
    'dependentTurning26V2',
    'browseAbandonmentV1',
  ]);
  expect(catalog.audiences).toEqual([renewalWindowAudience, dependentTurning26Audience]);
  expect(Object.keys(catalog.templates)).toEqual([
    'abandoned-cart',
    'renewal-window',
    'dependent-turning-26',
    'browse-abandonment',
  ]);
  expect(findTemplate('renewal-window', 'renewal-offer', 'email')?.subject).toMatch(/renews on/);
  expect(findTemplate('renewal-window', 'renewal-offer', 'sms')).toBeUndefined();
});

test('a folder whose version carries another journey name is refused', () => {
  expect(() =>
    defineJourneyFolder({ name: 'renewal-window', versions: [renewalWindowV1, abandonedCartV3], templates: {} }),
  ).toThrow('journey folder renewal-window: version 3 is named abandoned-cart');
});

test('an audience whose signal starts no version of its folder is refused', () => {
  expect(() =>
    defineJourneyFolder({
      name: 'abandoned-cart',
      versions: [abandonedCartV3],
      audiences: [renewalWindowAudience],
      templates: {},
    }),
  ).toThrow(/audience renewal-window emits policy.renewal-due, which no version is triggered by \(cart.updated\)/);
});

test('a journey listed twice in a catalog is refused', () => {
  expect(() => catalogOf([abandonedCart, renewalWindow, abandonedCart])).toThrow(
    'journey abandoned-cart is in the catalog twice',
  );
});
