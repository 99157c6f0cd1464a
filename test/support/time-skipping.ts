import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnvironment } from '../../testing/journey-test-kit';
import { serverEnv } from './servers';
import { loadConfig } from '../../config';
import { waymarkDataConverter } from '../../codec/data-converter';

/**
 * A time-skipping Temporal (the Java test server the global setup provisioned) with Waymark's search attributes
 * registered, as they are on the dev server and on a cluster. Call `env.teardown()` when done.
 */
export async function createTimeSkippingEnv(
  options: { waymarkCodec?: boolean } = {},
): Promise<TestWorkflowEnvironment> {
  // waymarkCodec: the env's client encrypts and decrypts payloads as the real worker (createWaymarkWorker) does.
  const dataConverter = options.waymarkCodec ? waymarkDataConverter(loadConfig(process.env)) : undefined;
  return createTimeSkippingEnvironment(serverEnv('WAYMARK_TEST_SERVER_LAUNCHER'), dataConverter);
}
