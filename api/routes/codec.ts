import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { parseApiKeys, presentedKey, scopeOfKey } from '../plugins/api-key-auth';
import { ApiError } from '../plugins/error-handler';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  apiKeys: string;
  /** Browser origins allowed to call (the Temporal UI's), comma-separated. */
  corsOrigins: string;
}

/** Payloads as the codec server protocol sends them: protobuf JSON, bytes as base64. */
const payloadsJson = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(z.string(), z.string().max(1_000_000)).optional(),
        data: z.string().max(5_000_000).optional(),
      }),
    )
    .max(1000),
});
type PayloadsJson = z.infer<typeof payloadsJson>;

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

function fromJson(body: PayloadsJson): Payload[] {
  return body.payloads.map((p, i) => {
    const bytes = (value: string, field: string) => {
      if (!BASE64.test(value)) {
        throw new ApiError(400, 'validation', `payloads.${i}.${field} is not base64`, [
          { field: `payloads.${i}.${field}`, rule: 'base64', message: 'not base64' },
        ]);
      }
      return new Uint8Array(Buffer.from(value, 'base64'));
    };
    return {
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, bytes(v, `metadata.${k}`)])),
      ...(p.data === undefined ? {} : { data: bytes(p.data, 'data') }),
    };
  });
}

function toJson(payloads: Payload[]): PayloadsJson {
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  return {
    payloads: payloads.map((p) => ({
      metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
      ...(p.data ? { data: b64(p.data) } : {}),
    })),
  };
}

/**
 * The codec server for the Temporal UI and `temporal workflow show --codec-endpoint` (Temporal's codec server
 * protocol: POST <endpoint>/decode and /encode with protobuf-JSON Payloads). Only `codec` and `admin` keys may use it:
 *   POST /v1/codec/decode|encode        key in `Authorization: Bearer` (CLI: --codec-auth "Bearer <key>")
 *   POST /v1/codec/:key/decode|encode   key in the path, for the Temporal UI, which sends no credentials unless it
 *                                       has an OIDC login over https (`--ui-codec-endpoint .../v1/codec/<codec key>`)
 * CORS lets the UI's origins (CODEC_CORS_ORIGINS) call it from the browser. Mounted under the /v1/codec prefix.
 */
export const codecRoutes: FastifyPluginAsync<CodecRoutesOptions> = async (app, opts) => {
  const keys = parseApiKeys(opts.apiKeys);
  const origins = opts.corsOrigins
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  await app.register(cors, {
    origin: origins,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    maxAge: 600,
  });

  const authorize = (key: string | undefined) => {
    const scope = key === undefined ? undefined : scopeOfKey(keys, key);
    if (!scope) throw new ApiError(401, 'unauthorized', 'the codec endpoint needs a key with the codec or admin scope');
    if (scope !== 'codec' && scope !== 'admin') {
      throw new ApiError(403, 'forbidden', `this key's scope is ${scope}; the codec endpoint needs codec or admin`);
    }
  };
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const action of ['decode', 'encode'] as const) {
    const run = async (body: PayloadsJson) => {
      try {
        return toJson(await opts.codec[action](fromJson(body)));
      } catch (err) {
        if (err instanceof ApiError) throw err;
        throw new ApiError(422, 'codec', `cannot ${action}: ${(err as Error).message}`);
      }
    };
    const schema = {
      body: payloadsJson,
      response: { 200: payloadsJson },
      tags: ['codec'],
      summary: `${action === 'decode' ? 'Decrypt' : 'Encrypt'} Temporal payloads (codec server protocol)`,
      headers: z.object({ 'x-namespace': z.string().max(1000).optional() }),
    };
    api.post(`/${action}`, { schema }, async (request) => {
      authorize(presentedKey(request));
      return run(request.body);
    });
    api.post(
      `/:key/${action}`,
      {
        schema: {
          ...schema,
          params: z.object({ key: z.string().min(1).max(500) }),
          summary: `${schema.summary}, key in the path (Temporal UI)`,
          security: [],
        },
      },
      async (request) => {
        authorize(request.params.key);
        return run(request.body);
      },
    );
  }
};
