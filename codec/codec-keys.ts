/** One key of the payload codec: its id (written in each payload's metadata) and 32 bytes of AES-256 key. */
export interface CodecKey {
  id: string;
  key: Buffer;
}

export interface CodecKeyring {
  /** Encrypts new payloads: the first key of PAYLOAD_CODEC_KEYS. */
  active: CodecKey;
  /** Decrypts: every key, by id (older ones stay while histories encrypted with them are kept). */
  byId: ReadonlyMap<string, CodecKey>;
}

const KEY_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Parses PAYLOAD_CODEC_KEYS, `keyId:base64(32 bytes)` comma-separated. Rotation: generate a key
 * (`openssl rand -base64 32`), put it first with a new id, keep the old ones after it.
 */
export function parseCodecKeys(spec: string): CodecKeyring {
  const keys = spec
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const colon = entry.indexOf(':');
      const id = colon > 0 ? entry.slice(0, colon) : '';
      if (!KEY_ID.test(id)) {
        throw new Error(
          `PAYLOAD_CODEC_KEYS entry ${i + 1}: expected keyId:base64key, the id of letters, digits, _ . -`,
        );
      }
      const key = Buffer.from(entry.slice(colon + 1), 'base64');
      if (key.length !== 32) {
        throw new Error(
          `PAYLOAD_CODEC_KEYS key '${id}' is ${key.length} bytes; AES-256 needs 32 (openssl rand -base64 32)`,
        );
      }
      return { id, key };
    });
  if (keys.length === 0) throw new Error('PAYLOAD_CODEC_KEYS has no key: set keyId:base64(32 bytes)');
  const byId = new Map<string, CodecKey>();
  for (const key of keys) {
    if (byId.has(key.id)) throw new Error(`PAYLOAD_CODEC_KEYS names the key id '${key.id}' twice`);
    byId.set(key.id, key);
  }
  return { active: keys[0], byId };
}
