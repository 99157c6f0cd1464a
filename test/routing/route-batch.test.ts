import { routeInCustomerOrder } from '../../routing/route-batch';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('routeInCustomerOrder', () => {
  it("keeps each customer's events in the order sent and answers in the batch's order", async () => {
    const events = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'].map((id) => ({ id, customerId: id[0] }));
    const routed: string[] = [];
    const results = await routeInCustomerOrder(events, async (e) => {
      await tick();
      routed.push(e.id);
      return e.id.toUpperCase();
    });
    expect(results).toEqual(['A1', 'B1', 'A2', 'C1', 'B2', 'A3']);
    for (const customer of 'abc') {
      expect(routed.filter((id) => id[0] === customer)).toEqual(
        events.filter((e) => e.customerId === customer).map((e) => e.id),
      );
    }
  });

  it('routes different customers at once, never more than the bound', async () => {
    const events = Array.from({ length: 40 }, (_, i) => ({ customerId: `c${i}` }));
    let inFlight = 0;
    let most = 0;
    await routeInCustomerOrder(
      events,
      async () => {
        most = Math.max(most, ++inFlight);
        await tick();
        inFlight -= 1;
      },
      8,
    );
    expect(most).toBe(8);
  });
});
