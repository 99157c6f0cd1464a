/**
 * How the worker bundles its workflow code (the tests' prebuilt bundle uses the same, so they run what ships).
 *
 * The signal library and zod are preloaded once into the worker's reusable V8 context and shared by every run,
 * instead of being evaluated again for each run the worker keeps in its sticky cache: the signals' zod schemas were
 * most of a cached run's memory (bench/memory.ts: about 1.8 MB of RSS per waiting run before, 0.4 MB after). The SDK
 * deep-freezes shared modules, so workflow code reads a signal's name and keys but never parses with its schema
 * (events are validated by the API and the activities, outside workflow code).
 */
export const workflowBundlerOptions = {
  preloadModules: ['zod', require.resolve('../signals')],
};
