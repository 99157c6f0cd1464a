import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseCodecKeys } from '../../codec/codec-keys';
import { EncryptionCodec, KEY_ID_METADATA } from '../../codec/encryption-codec';

const key = () => randomBytes(32).toString('base64');
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const personal = { email: 'ann@example.com', phone: '+15551234567' };

describe('EncryptionCodec (AES-256-GCM)', () => {
  const k1 = key();
  const k2 = key();

  it('encrypts with the active key, names it in the metadata, and decodes back', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k1:${k1}`));
    const payload = defaultPayloadConverter.toPayload(personal);
    const [sealed] = await codec.encode([payload]);
    expect(text(sealed.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(sealed.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(text(sealed.data)).not.toContain('ann@example.com');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual(personal);
  });

  it('rotates by adding keys: a new first key encrypts, payloads sealed with the old one still open', async () => {
    const before = new EncryptionCodec(parseCodecKeys(`k1:${k1}`));
    const [old] = await before.encode([defaultPayloadConverter.toPayload(personal)]);
    const after = new EncryptionCodec(parseCodecKeys(`k2:${k2},k1:${k1}`));
    const [fresh] = await after.encode([defaultPayloadConverter.toPayload(personal)]);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe('k2');
    expect((await after.decode([old, fresh])).map((p) => defaultPayloadConverter.fromPayload(p))).toEqual([
      personal,
      personal,
    ]);
    // Dropping the old key too early is loud, not silent.
    await expect(new EncryptionCodec(parseCodecKeys(`k2:${k2}`)).decode([old])).rejects.toThrow(/key 'k1'/);
  });

  it('refuses an altered payload', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k1:${k1}`));
    const [sealed] = await codec.encode([defaultPayloadConverter.toPayload(personal)]);
    const data = Buffer.from(sealed.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...sealed, data }])).rejects.toThrow(/does not open/);
  });

  it('decodes payloads written without encryption as they are (saved histories keep replaying)', async () => {
    const codec = new EncryptionCodec(parseCodecKeys(`k1:${k1}`));
    const plain: Payload = defaultPayloadConverter.toPayload({ cartId: 'c-1' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('says what is wrong with PAYLOAD_CODEC_KEYS', () => {
    expect(() => parseCodecKeys('')).toThrow(/has no key/);
    expect(() => parseCodecKeys(`k1:${randomBytes(16).toString('base64')}`)).toThrow(/16 bytes; AES-256 needs 32/);
    expect(() => parseCodecKeys(k1)).toThrow(/expected keyId:base64key/);
    expect(() => parseCodecKeys(`k1:${k1},k1:${k2}`)).toThrow(/twice/);
  });
});
