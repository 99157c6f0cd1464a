import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { DEV_SECRETS, loadConfig } from '../../config';

const ROOT = path.resolve(__dirname, '../..');
const strong = {
  API_KEYS: 'k-4f1c9e0a7b3d:admin,k-9a8b7c6d5e4f:ingest',
  UNSUBSCRIBE_SECRET: 'u-5b3e8f1a9c2d7e6f',
  CUSTOMER_TOKEN_SECRET: 'c-1d2e3f4a5b6c7d8e',
  PAYLOAD_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
};

/** The environment of a production process: no dev-stack mark. */
function productionEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.WAYMARK_DEV_STACK;
  for (const name of Object.keys(DEV_SECRETS)) delete base[name];
  return { ...base, ...env };
}

describe('secrets at start-up', () => {
  it('accepts secrets of your own outside the dev stack', () => {
    expect(() => loadConfig(productionEnv(strong))).not.toThrow();
    expect(loadConfig(productionEnv(strong)).TWILIO_AUTH_TOKEN).toBeUndefined();
  });

  it.each([
    ['API_KEYS', 'dev-key', /API_KEYS contains 'dev-key'/],
    ['API_KEYS', 'change-me', /API_KEYS contains 'change-me'/],
    ['API_KEYS', 'k-4f1c9e0a7b3d,', /API_KEYS is empty/],
    ['UNSUBSCRIBE_SECRET', 'change-me-too', /UNSUBSCRIBE_SECRET contains 'change-me-too'/],
    ['UNSUBSCRIBE_SECRET', '', /UNSUBSCRIBE_SECRET is empty/],
    ['CUSTOMER_TOKEN_SECRET', DEV_SECRETS.CUSTOMER_TOKEN_SECRET, /CUSTOMER_TOKEN_SECRET contains/],
    ['PAYLOAD_CODEC_KEYS', DEV_SECRETS.PAYLOAD_CODEC_KEYS, /PAYLOAD_CODEC_KEYS contains/],
    ['TWILIO_AUTH_TOKEN', '', /TWILIO_AUTH_TOKEN is empty: unset it to run without Twilio/],
    ['TWILIO_AUTH_TOKEN', DEV_SECRETS.TWILIO_AUTH_TOKEN, /TWILIO_AUTH_TOKEN contains/],
  ])('refuses %s=%j outside the dev stack', (name, value, message) => {
    expect(() => loadConfig(productionEnv({ ...strong, [name]: value }))).toThrow(message);
  });

  it('refuses the defaults when a secret is not set, naming each variable', () => {
    expect(() => loadConfig(productionEnv({}))).toThrow(
      /API_KEYS is not set[\s\S]*UNSUBSCRIBE_SECRET is not set[\s\S]*CUSTOMER_TOKEN_SECRET is not set[\s\S]*PAYLOAD_CODEC_KEYS/,
    );
    expect(() => loadConfig({ ...productionEnv({}), WAYMARK_DEV_STACK: '1' })).not.toThrow();
  });

  it('the API process (npm run api) stops before serving, naming the variable', () => {
    const run = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['api/main.ts'], {
      cwd: ROOT,
      env: productionEnv({ ...strong, API_KEYS: 'dev-key', API_PORT: '0' }),
      encoding: 'utf8',
      timeout: 150_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/API_KEYS contains 'dev-key', a value published in Waymark's repository/);
  }, 180_000);
});
