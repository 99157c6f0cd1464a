// The signal library: what the API validates events against and journeys are typed by.
import { cartUpdated, findSignal, policyChanged, signalCatalog } from '../../signals';
import { journeyCatalog } from '../../journeys';

test('every signal has a unique dotted name, keys that are fields of its data, and a description', () => {
  const names = signalCatalog.map((s) => s.name);
  expect(new Set(names).size).toBe(names.length);
  for (const signal of signalCatalog) {
    expect(signal.name).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(signal.description.length).toBeGreaterThan(20);
    expect(signal.identity.length).toBeGreaterThan(0);
    const shape = (signal.schema as unknown as { shape: Record<string, unknown> }).shape;
    for (const key of signal.keys) expect(Object.keys(shape)).toContain(key);
  }
});

test('findSignal finds catalog signals by name and nothing else', () => {
  expect(findSignal('cart.updated')).toBe(cartUpdated);
  expect(findSignal('cart.exploded')).toBeUndefined();
});

test('a schema rejects bad data naming the field and the rule', () => {
  const result = cartUpdated.schema.safeParse({
    cartId: 'c1',
    items: [{ sku: 's', name: 'n', qty: 0, price: 1 }],
    total: 1,
    currency: 'EUR',
    url: 'not a url',
  });
  expect(result.success).toBe(false);
  const paths = result.error!.issues.map((i) => i.path.join('.'));
  expect(paths).toEqual(expect.arrayContaining(['items.0.qty', 'url']));
  expect(policyChanged.schema.safeParse({ policyId: 'p', status: 'paused' }).success).toBe(false);
  expect(policyChanged.schema.safeParse({ policyId: 'p', status: 'lapsed' }).success).toBe(true);
});

test('every journey uses catalog signals, and its export name is its workflow type', async () => {
  const journeys = await import('../../journeys');
  for (const workflow of journeyCatalog) {
    const { trigger, goal, listensTo = [] } = workflow.journey;
    for (const route of [trigger, ...(goal ? [goal] : []), ...listensTo]) {
      expect(findSignal(route.signal.name)).toBe(route.signal);
    }
    expect((journeys as Record<string, unknown>)[workflow.workflowType]).toBe(workflow);
  }
});
