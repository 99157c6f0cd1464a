import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './error-handler';

/**
 * What an API key may do (API_KEYS entries are `key` or `key:scope`; a key without a scope is `admin`):
 *   admin   everything
 *   ingest  POST /v1/events: event sources (shop, policy system, CRM)
 *   site    ingest + minting customer tokens: a site's backend
 *   codec   the payload codec endpoint (the Temporal UI, `temporal --codec-endpoint`)
 */
export const KEY_SCOPES = ['admin', 'ingest', 'site', 'codec'] as const;
export type KeyScope = (typeof KEY_SCOPES)[number];

/** What a route needs; each key scope that may call it. */
const ACCEPTED: Record<KeyScope, readonly KeyScope[]> = {
  admin: ['admin'],
  ingest: ['admin', 'ingest', 'site'],
  site: ['admin', 'site'],
  codec: ['admin', 'codec'],
};

export interface ApiKey {
  digest: Buffer;
  scope: KeyScope;
}

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest();

/** Parses API_KEYS; an unknown scope stops start-up with the entry's position (never the key itself). */
export function parseApiKeys(apiKeys: string): ApiKey[] {
  return apiKeys
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry, i) => {
      const match = /^(.+?)(?::([a-z]+))?$/.exec(entry)!;
      const scope = (match[2] ?? 'admin') as KeyScope;
      if (!KEY_SCOPES.includes(scope)) {
        throw new Error(`API_KEYS entry ${i + 1} has the scope '${scope}'; scopes are ${KEY_SCOPES.join(', ')}`);
      }
      return { digest: digest(match[1]), scope };
    });
}

/** The keys of API_KEYS with this scope, as written (npm start hands the first codec key to the Temporal UI). */
export function keysWithScope(apiKeys: string, scope: KeyScope): string[] {
  return apiKeys
    .split(',')
    .map((entry) => /^(.+?)(?::([a-z]+))?$/.exec(entry.trim()))
    .filter((m): m is RegExpExecArray => m !== null && (m[2] ?? 'admin') === scope)
    .map((m) => m[1]);
}

/**
 * The scope of a presented key, or undefined. Compared in constant time: each configured key's SHA-256 against the
 * presented key's, every key compared, so neither the time taken nor an early exit tells how much matched.
 */
export function scopeOfKey(keys: readonly ApiKey[], presented: string): KeyScope | undefined {
  const given = digest(presented);
  let found: KeyScope | undefined;
  for (const key of keys) if (timingSafeEqual(key.digest, given) && found === undefined) found = key.scope;
  return found;
}

/** The key a request presents: `Authorization: Bearer <key>` or `x-api-key: <key>`. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const bearer = request.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const header = request.headers['x-api-key'];
  return bearer ?? (typeof header === 'string' ? header : undefined);
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a route needs (default `admin`), see KEY_SCOPES. */
    scope?: KeyScope;
  }
}

/** onRequest hook: a key with a scope the route accepts (`config.scope`, default admin), else 401 / 403. */
export function apiKeyAuth(apiKeys: string) {
  const keys = parseApiKeys(apiKeys);
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const key = presentedKey(request);
    const scope = key === undefined ? undefined : scopeOfKey(keys, key);
    if (!scope) {
      throw new ApiError(
        401,
        'unauthorized',
        'Send an API key as `Authorization: Bearer <key>` or `x-api-key: <key>` (see API_KEYS).',
      );
    }
    const needed = request.routeOptions.config.scope ?? 'admin';
    if (!ACCEPTED[needed].includes(scope)) {
      throw new ApiError(
        403,
        'forbidden',
        `this key's scope is ${scope}; ${request.method} ${request.routeOptions.url} needs ${needed}`,
      );
    }
  };
}
