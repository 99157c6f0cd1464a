import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import path from 'node:path';

test('probe', async () => {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: process.env.HOME + '/.cache/waymark/temporal-test-server-1.31.0/launch.sh' } },
  });
  try {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'probe',
      workflowsPath: path.resolve('/work/main/workflows/index.ts'),
      activities: {
        checkEligibility: async () => ({ eligible: true, failed: [] }),
        loadProfile: async () => null,
        deliver: async (r: any) => { console.log('deliver', r.stepId, r.at); return { status: 'sent' }; },
      },
    });
    const { abandonedCartV1 } = await import('/work/main/journeys');
    await worker.runUntil(async () => {
      const h = await env.client.workflow.signalWithStart(abandonedCartV1 as any, {
        workflowId: 'abandoned-cart/c1/cart1', taskQueue: 'probe', args: [{ customerId: 'c1', key: 'cart1' }],
        signal: 'cart.updated', signalArgs: [{ id: 'e1', signal: 'cart.updated', version: 1, customerId: 'c1', occurredAt: new Date().toISOString(), data: { cartId: 'cart1', items: [{sku:'a',name:'A',qty:1,price:3}], total: 3, currency: 'EUR', url: 'http://x' } }],
      });
      console.log(JSON.stringify(await h.result()));
      const d = await h.describe();
      console.log(JSON.stringify(d.typedSearchAttributes));
    });
  } finally { await env.teardown(); }
}, 120000);
