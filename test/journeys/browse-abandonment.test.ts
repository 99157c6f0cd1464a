// browse-abandonment v1 on the time-skipping test server: the in-app nudge on entering window-shoppers, the email
// once the visitor is identified and reachable, the score threshold, the waits' timeouts and the goal. Profiles and
// eligibility are the real activities against the store; `deliver` is the real send path with
// providers that send nothing (the testing kit, testing/).
import { Profile } from '../../models/profile';
import { browseAbandonmentV1 } from '../../journeys';
import { identityResolved, orderCompleted, segmentEntered } from '../../signals';
import { journeyStateQuery } from '../../sdk/queries';
import { anonymousCustomerId } from '../../routing/identity';
import { useJourneyTestKit } from '../../testing';
import { uniqueId } from '../support/events';

// No quiet hours: whether a send waits for the morning must not depend on the hour the tests run at (quiet hours
// are tested in test/testing and test/delivery).
const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });

const product = { productId: 'tent-2p', name: 'Two-person tent', url: 'https://shop.example.com/p/tent-2p' };
const entered = (customerId: string, segment = 'window-shoppers') =>
  kit().event(segmentEntered, customerId, {
    segment,
    version: 1,
    reason: 'event product.viewed',
    ...(segment === 'window-shoppers'
      ? { cause: { eventId: uniqueId('view'), signal: 'product.viewed', data: product } }
      : {}),
  });
const score = (value: number) => ({ model: 'engagement', version: 1, value });
const reachable = [{ name: 'email-reachable', version: 1, since: new Date() }];

async function customer(options: { score: number; reachable: boolean }) {
  const id = uniqueId('browser');
  await Profile.create({
    _id: id,
    email: `${id}@example.com`,
    consent: { email: { status: options.reachable ? 'granted' : 'unknown' } },
    score: score(options.score),
    ...(options.reachable ? { segments: reachable } : {}),
  });
  return id;
}

test('an engaged, reachable customer: the in-app nudge with the product at once, then the email; completes', async () => {
  const id = await customer({ score: 30, reachable: true });
  const handle = await kit().start(browseAbandonmentV1, entered(id));
  expect(handle.workflowId).toBe(`browse-abandonment/${id}/window-shoppers`);

  expect((await handle.result()).outcome).toBe('completed');
  const sends = kit().deliveries(handle.workflowId);
  expect(sends.map((s) => [s.stepId, s.customerId])).toEqual([
    ['web:browse-nudge', id],
    ['email:browse-reminder', id],
  ]);
  expect(sends[0].data).toEqual({ product });
});

test('a score below the threshold keeps the customer out, naming the condition', async () => {
  const id = await customer({ score: 12, reachable: true });
  const handle = await kit().start(browseAbandonmentV1, entered(id));
  expect(await handle.result()).toMatchObject({ outcome: 'ineligible', reason: 'not eligible: score.value' });
  expect(kit().deliveries(handle.workflowId)).toEqual([]);
});

test('an anonymous visitor: the nudge, then the email once they identify as a reachable customer', async () => {
  const anonymousId = uniqueId('visitor');
  const visitor = anonymousCustomerId(anonymousId);
  await Profile.create({ _id: visitor, anonymous: true, anonymousIds: [anonymousId], score: score(25) });
  const known = await customer({ score: 40, reachable: true });
  const handle = await kit().start(browseAbandonmentV1, entered(visitor));
  await kit().env.sleep('1 hour');
  expect((await handle.query(journeyStateQuery)).step).toBe('wait-for-identity');

  await Profile.updateOne({ _id: visitor }, { $set: { mergedInto: known }, $unset: { anonymousIds: '' } });
  const mergeId = `${visitor}>${known}`;
  await kit().signal(
    handle,
    kit().event(identityResolved, known, { previousCustomerId: visitor, anonymousId, matchedBy: 'email', mergeId }),
  );
  await kit().env.sleep('1 minute');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => [s.channel, s.customerId]),
  ).toEqual([
    ['web', visitor],
    ['email', known],
  ]);
  await handle.terminate('test done');
});

test('a customer who is not reachable waits; entering email-reachable (a profile change) sends the email', async () => {
  const id = await customer({ score: 30, reachable: false });
  const handle = await kit().start(browseAbandonmentV1, entered(id));
  await kit().env.sleep('1 day');
  expect((await handle.query(journeyStateQuery)).step).toBe('wait-for-email-reachable');
  await kit().signal(handle, entered(id, 'engaged')); // another segment does not count
  await kit().env.sleep('1 hour');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['web']);

  await kit().signal(handle, entered(id, 'email-reachable'));
  await kit().env.sleep('1 minute');
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['web', 'email']);
  await handle.terminate('test done');
});

test('nobody reachable within three days: the run exits without an email', async () => {
  const id = await customer({ score: 30, reachable: false });
  const handle = await kit().start(browseAbandonmentV1, entered(id));
  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'not reachable by email' });
  expect(
    kit()
      .deliveries(handle.workflowId)
      .map((s) => s.channel),
  ).toEqual(['web']);
});

test('an anonymous visitor who never identifies: the run exits after three days', async () => {
  const visitor = anonymousCustomerId(uniqueId('visitor'));
  await Profile.create({ _id: visitor, anonymous: true, score: score(25) });
  const handle = await kit().start(browseAbandonmentV1, entered(visitor));
  expect(await handle.result()).toMatchObject({ outcome: 'exited', reason: 'the visitor did not identify' });
});

test('any order ends it as converted', async () => {
  const id = await customer({ score: 30, reachable: false });
  const handle = await kit().start(browseAbandonmentV1, entered(id));
  await kit().env.sleep('2 hours');
  await kit().signal(handle, kit().event(orderCompleted, id, { orderId: 'o-1', cartId: 'any', total: 10 }));
  expect((await handle.result()).outcome).toBe('converted');
});
