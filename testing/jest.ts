import { startJourneyTestKit, type JourneyTestKit, type JourneyTestKitOptions } from './journey-test-kit';

/**
 * For Jest suites: starts one kit for the file (beforeAll) and stops it (afterAll). Returns the kit's getter:
 *
 * ```ts
 * const kit = useJourneyTestKit({ config: { QUIET_HOURS: '' } });
 * test('…', async () => { const run = await kit().start(abandonedCartV1, kit().event(cartUpdated, id, cart)); });
 * ```
 */
export function useJourneyTestKit(options: JourneyTestKitOptions = {}): () => JourneyTestKit {
  let kit: JourneyTestKit | undefined;
  beforeAll(async () => {
    kit = await startJourneyTestKit(options);
  }, 180_000);
  afterAll(async () => {
    await kit?.stop();
  });
  return () => {
    if (!kit) throw new Error('the journey test kit has not started (use the getter inside tests, not at load time)');
    return kit;
  };
}
