import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { WAYMARK_SEARCH_ATTRIBUTES } from '../../sdk/search-attributes';
import { serverEnv } from './servers';

/**
 * A time-skipping Temporal (the Java test server the global setup provisioned) with Waymark's search attributes
 * registered, as they are on the dev server and on a cluster. Call `env.teardown()` when done.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await startTestServer();
  const types = temporal.api.enums.v1.IndexedValueType;
  const searchAttributes = Object.fromEntries(
    Object.entries(WAYMARK_SEARCH_ATTRIBUTES).map(([name, type]) => [
      name,
      type === 'Int' ? types.INDEXED_VALUE_TYPE_INT : types.INDEXED_VALUE_TYPE_KEYWORD,
    ]),
  );
  await env.connection.operatorService.addSearchAttributes({ namespace: 'default', searchAttributes });
  return env;
}

/** Tries to start the server; the SDK gives a JVM 5 s to listen, which a loaded machine can miss. */
const START_ATTEMPTS = 3;

async function startTestServer(): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: serverEnv('WAYMARK_TEST_SERVER_LAUNCHER') } },
      });
    } catch (error) {
      if (attempt >= START_ATTEMPTS || !/did not start within/.test(String(error))) throw error;
    }
  }
}
