// The recheck of one profile against the real store: it acts only on profiles whose recheck time has come, and its
// write never lands on a profile written by someone else since it was read (an event upkept in another process).
import { randomUUID } from 'node:crypto';
import { Profile } from '../../models/profile';
import { recheckCustomer } from '../../routing/segment-recheck';
import { customerModel, planUpkeep, writeUpkeep, type UpkeepProfile } from '../../routing/segment-upkeep';
import { DAY_MS } from '../../sdk/durations';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';

let db: Awaited<ReturnType<typeof connectTestDatabase>>;
let temporal: Awaited<ReturnType<typeof connectTemporal>>;

beforeAll(async () => {
  db = await connectTestDatabase('segment-recheck-unit');
  temporal = await connectTemporal();
  await Profile.init(); // mongoose's own index builds, finished before the tests write
});
afterAll(async () => {
  await temporal.close();
  await db.close();
});

const model = customerModel('on');
const now = new Date('2031-05-10T12:00:00Z');
const viewed = (daysAgo: number, id: string) => `${new Date(now.getTime() - daysAgo * DAY_MS).toISOString()}|${id}`;

/** A window-shopper whose oldest counted view is `oldestDaysAgo` old: the 7-day window lapses after 7 days. */
async function windowShopper(oldestDaysAgo: number) {
  const _id = `recheck-${randomUUID().slice(0, 8)}`;
  const behaviour = { 'window-shoppers@v1/views': [viewed(oldestDaysAgo, 'a'), viewed(1, 'b'), viewed(0.5, 'c')] };
  await Profile.create({
    _id,
    behaviour,
    segments: [{ name: 'window-shoppers', version: 1, since: new Date(now.getTime() - 2 * DAY_MS) }],
    segmentsRecheckAt: new Date(now.getTime() + (7 - oldestDaysAgo) * DAY_MS),
  });
  return _id;
}

test('a write planned from a profile that changed since it was read is refused, and nothing is written', async () => {
  const id = await windowShopper(8);
  const read = (await Profile.findById(id).lean<UpkeepProfile>())!;
  const plan = planUpkeep(model, read, undefined, now);
  expect(plan.changes).toEqual([{ segment: 'window-shoppers', version: 1, change: 'exited' }]);

  // Another process upkeeps an event in between (any write moves updatedAt).
  await new Promise((resolve) => setTimeout(resolve, 5));
  await Profile.updateOne({ _id: id }, { $set: { 'attributes.lastSeen': 'now' } });

  expect(await writeUpkeep(id, plan, { updatedAt: read.updatedAt ?? null })).toBe(false);
  const after = (await Profile.findById(id).lean<UpkeepProfile>())!;
  expect(after.segments?.map((s) => s.name)).toEqual(['window-shoppers']);
  expect(after.segmentsRecheckAt).toEqual(read.segmentsRecheckAt);

  const fresh = planUpkeep(model, after, undefined, now);
  expect(await writeUpkeep(id, fresh, { updatedAt: after.updatedAt ?? null })).toBe(true);
  expect((await Profile.findById(id).lean<UpkeepProfile>())!.segments).toBeUndefined();
});

test('a profile whose recheck time has not come is left alone', async () => {
  const id = await windowShopper(6); // lapses in a day
  const before = await Profile.findById(id).lean<UpkeepProfile>();
  const deps = { client: temporal.client, taskQueue: uniqueTaskQueue('recheck-unit') };

  expect(await recheckCustomer(deps, id, now)).toEqual([]);
  expect(await Profile.findById(id).lean<UpkeepProfile>()).toEqual(before);
});

test('a lapsed window: the customer leaves, the next recheck time goes, and a second recheck finds nothing due', async () => {
  const id = await windowShopper(7.5);
  const deps = { client: temporal.client, taskQueue: uniqueTaskQueue('recheck-unit') };

  expect(await recheckCustomer(deps, id, now)).toEqual([{ segment: 'window-shoppers', version: 1, change: 'exited' }]);
  const after = (await Profile.findById(id).lean<UpkeepProfile>())!;
  expect(after.segments).toBeUndefined();
  expect(after.segmentsRecheckAt).toBeUndefined();
  expect(await recheckCustomer(deps, id, now)).toEqual([]);
});
