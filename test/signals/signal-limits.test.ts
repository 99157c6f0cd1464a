// Size limits (issue 10, item 7): every string and every array of every signal has a maximum, so no event can carry
// an unbounded payload into a run's history. A signal added without limits fails here, naming the field.
import type { z } from 'zod';
import { MAX_EVENT_DATA_BYTES, signalCatalog } from '../../signals';

/**
 * Fields bounded elsewhere: a segment change carries the data of the event that caused it, which passed its own
 * signal's limits (and the API's per-event byte limit) on the way in.
 */
const BOUNDED_ELSEWHERE = new Set(['data.cause.data']);

/** String formats whose pattern bounds their length. */
const BOUNDED_FORMATS = new Set(['date', 'datetime', 'time', 'uuid']);

/** Paths of the strings and arrays of a zod schema that have no maximum. */
function unbounded(schema: z.core.$ZodType, path: string): string[] {
  if (BOUNDED_ELSEWHERE.has(path)) return [];
  const def = schema._zod.def as unknown as Record<string, unknown> & { type: string };
  switch (def.type) {
    case 'object':
      return Object.entries(def.shape as Record<string, z.core.$ZodType>).flatMap(([k, v]) =>
        unbounded(v, `${path}.${k}`),
      );
    case 'array': {
      const checks = (def.checks as Array<{ _zod: { def: { check: string } } }> | undefined) ?? [];
      const capped = checks.some((c) => c._zod.def.check === 'max_length');
      return [...(capped ? [] : [`${path}[]`]), ...unbounded(def.element as z.core.$ZodType, `${path}[]`)];
    }
    case 'string': {
      const string = schema as unknown as { maxLength: number | null; format: string | null };
      return string.maxLength !== null || BOUNDED_FORMATS.has(string.format ?? '') ? [] : [path];
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return unbounded(def.innerType as z.core.$ZodType, path);
    case 'union':
      return (def.options as z.core.$ZodType[]).flatMap((o) => unbounded(o, path));
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
      return [];
    default:
      return [`${path} (a ${def.type}: give it a maximum and teach this test its shape)`];
  }
}

test.each(signalCatalog.map((s) => [s.name, s] as const))('%s bounds every string and array', (_name, signal) => {
  expect(unbounded(signal.schema, 'data')).toEqual([]);
});

test('the largest cart a cart.updated accepts stays within the per-event data limit', () => {
  const cart = signalCatalog.find((s) => s.name === 'cart.updated')!;
  const long = (n: number) => 'x'.repeat(n);
  const biggest = {
    cartId: long(200),
    items: Array.from({ length: 100 }, () => ({ sku: long(200), name: long(200), qty: 1, price: 1 })),
    total: 1,
    currency: 'EUR',
    url: `https://shop.example/${long(2000)}`,
  };
  expect(cart.schema.safeParse(biggest).success).toBe(true);
  expect(Buffer.byteLength(JSON.stringify(biggest))).toBeLessThan(MAX_EVENT_DATA_BYTES);
  expect(cart.schema.safeParse({ ...biggest, items: [...biggest.items, biggest.items[0]] }).success).toBe(false);
});
