/**
 * Secrets and how they are checked at start-up. Outside the embedded dev stack (`WAYMARK_DEV_STACK=1`, set by
 * `npm start`, the test setup and the benches, never inferred), a secret may be neither empty nor one of the values
 * anyone can read in this repository.
 */
export const SECRET_SETTINGS = [
  'API_KEYS',
  'UNSUBSCRIBE_SECRET',
  'CUSTOMER_TOKEN_SECRET',
  'PAYLOAD_CODEC_KEYS',
  'TWILIO_AUTH_TOKEN',
] as const;
export type SecretSetting = (typeof SECRET_SETTINGS)[number];

/** The development defaults of config/index.ts and the placeholders of older docker-compose files. */
export const DEV_SECRETS = {
  API_KEYS: 'dev-key,dev-codec-key:codec',
  UNSUBSCRIBE_SECRET: 'waymark-dev-unsubscribe-secret',
  CUSTOMER_TOKEN_SECRET: 'waymark-dev-customer-token-secret',
  /** `keyId:base64(32 bytes)`; this one is all zeros but the last byte. */
  PAYLOAD_CODEC_KEYS: `dev:${Buffer.from([...new Array<number>(31).fill(0), 1]).toString('base64')}`,
  TWILIO_AUTH_TOKEN: 'waymark-dev-token',
} as const;

/** The parts of a setting that are secret values: API_KEYS `key[:scope]`, PAYLOAD_CODEC_KEYS `id:key`. */
function secretValues(name: SecretSetting, value: string): string[] {
  if (name === 'API_KEYS') return value.split(',').map((entry) => entry.trim().replace(/:[a-z]+$/, ''));
  if (name === 'PAYLOAD_CODEC_KEYS') return value.split(',').map((entry) => entry.trim().split(':').slice(1).join(':'));
  return [value];
}

const WELL_KNOWN = new Set<string>([
  'dev-key',
  'dev-codec-key',
  'change-me',
  'change-me-too',
  'changeme',
  'secret',
  'password',
  ...Object.entries(DEV_SECRETS).flatMap(([name, value]) => secretValues(name as SecretSetting, value)),
]);

/**
 * Problems with the secrets in `env`, one line per setting (empty when all is well). A setting that is absent
 * gets the development default, which is well-known, so it is refused too; TWILIO_AUTH_TOKEN may be absent
 * (no Twilio: the webhooks are not mounted, SMS cannot be sent) but not empty.
 */
export function secretProblems(env: NodeJS.ProcessEnv, names: readonly SecretSetting[] = SECRET_SETTINGS): string[] {
  if (env.WAYMARK_DEV_STACK === '1') return [];
  const problems: string[] = [];
  for (const name of names) {
    const raw = env[name];
    if (raw === undefined) {
      if (name === 'TWILIO_AUTH_TOKEN') continue;
      problems.push(`${name} is not set (its default is for the embedded dev stack only): set your own secret`);
      continue;
    }
    const values = secretValues(name, raw);
    if (raw.trim() === '' || values.some((v) => v.trim() === '')) {
      problems.push(
        name === 'TWILIO_AUTH_TOKEN'
          ? `${name} is empty: unset it to run without Twilio, or set your Twilio auth token`
          : `${name} is empty: set your own secret`,
      );
      continue;
    }
    const known = values.find((v) => WELL_KNOWN.has(v.trim()));
    if (known !== undefined) {
      problems.push(`${name} contains '${known}', a value published in Waymark's repository: set your own secret`);
    }
  }
  return problems;
}
