import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnvironment } from '../../testing/journey-test-kit';
import { serverEnv } from './servers';

/**
 * A time-skipping Temporal (the Java test server the global setup provisioned) with Waymark's search attributes
 * registered, as they are on the dev server and on a cluster. Call `env.teardown()` when done.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  return createTimeSkippingEnvironment(serverEnv('WAYMARK_TEST_SERVER_LAUNCHER'));
}
