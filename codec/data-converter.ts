import type { DataConverter, LoadedDataConverter, Payload } from '@temporalio/common';
import type { Config } from '../config';
import { parseCodecKeys } from './codec-keys';
import { EncryptionCodec } from './encryption-codec';

/** The payload codec of PAYLOAD_CODEC_KEYS (the API's codec endpoint uses it too). */
export function createPayloadCodec(config: Pick<Config, 'PAYLOAD_CODEC_KEYS'>): EncryptionCodec {
  return new EncryptionCodec(parseCodecKeys(config.PAYLOAD_CODEC_KEYS));
}

/**
 * What every Temporal client and worker of Waymark uses (worker, API, CLI, tests): the default payload converter,
 * then encryption. Workflow code never sees it: codecs run outside the workflow sandbox.
 */
export function waymarkDataConverter(config: Pick<Config, 'PAYLOAD_CODEC_KEYS'>): DataConverter {
  return { payloadCodecs: [createPayloadCodec(config)] };
}

/**
 * One value out of a payload read from a history (a timer's or activity's summary, an input): the client's codecs
 * (decryption) first, then its payload converter, as the SDK does for results.
 */
export async function decodePayload<T>(converter: LoadedDataConverter, payload: Payload): Promise<T> {
  let payloads = [payload];
  for (const codec of [...converter.payloadCodecs].reverse()) payloads = await codec.decode(payloads);
  return converter.payloadConverter.fromPayload<T>(payloads[0]!);
}
