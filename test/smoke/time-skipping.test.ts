import { Worker } from '@temporalio/worker';
import { createTimeSkippingEnv } from '../support/time-skipping';
import { uniqueTaskQueue } from '../support/servers';
import { smokeLongSleep } from './smoke-workflow';

describe('time-skipping test server', () => {
  it('runs a month-long sleep through the provisioned launcher, with Waymark search attributes registered', async () => {
    const env = await createTimeSkippingEnv();
    try {
      const taskQueue = uniqueTaskQueue('smoke-sleep');
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowsPath: require.resolve('./smoke-workflow'),
      });
      const result = await worker.runUntil(
        env.client.workflow.execute(smokeLongSleep, { taskQueue, workflowId: taskQueue }),
      );
      expect(result).toBe('woke');
    } finally {
      await env.teardown();
    }
  });
});
