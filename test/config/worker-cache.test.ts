import { loadConfig } from '../../config';

// The development secrets are accepted only on the embedded dev stack (config/secrets.ts): this is about the cache.
const dev = (env: NodeJS.ProcessEnv) => ({ WAYMARK_DEV_STACK: '1', ...env });

describe('WORKER_MAX_CACHED_WORKFLOWS', () => {
  it('defaults to 1000 cached runs, also when set but empty (compose files pass `${X:-}`)', () => {
    expect(loadConfig(dev({})).WORKER_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(loadConfig(dev({ WORKER_MAX_CACHED_WORKFLOWS: '' })).WORKER_MAX_CACHED_WORKFLOWS).toBe(1000);
  });

  it('takes 0 (no cache) and any positive count', () => {
    expect(loadConfig(dev({ WORKER_MAX_CACHED_WORKFLOWS: '0' })).WORKER_MAX_CACHED_WORKFLOWS).toBe(0);
    expect(loadConfig(dev({ WORKER_MAX_CACHED_WORKFLOWS: '5000' })).WORKER_MAX_CACHED_WORKFLOWS).toBe(5000);
  });

  it('refuses what is not a count, naming the variable', () => {
    expect(() => loadConfig(dev({ WORKER_MAX_CACHED_WORKFLOWS: 'lots' }))).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => loadConfig(dev({ WORKER_MAX_CACHED_WORKFLOWS: '-1' }))).toThrow(/WORKER_MAX_CACHED_WORKFLOWS/);
  });
});
