import type { FastifyRequest } from 'fastify';
import { verifyCustomerToken } from '../customer-token';
import { parseApiKeys, presentedKey, scopeOfKey } from './api-key-auth';
import { ApiError } from './error-handler';

export interface CustomerAccessOptions {
  apiKeys: string;
  customerTokenSecret: string;
}

/**
 * onRequest hook of the routes under /v1/customers/:id: an admin API key (the site's backend, operators) may read any
 * customer; a browser shows a customer token for that one customer, as `Authorization: Bearer <token>` or, where
 * headers cannot be set (EventSource), `?access_token=<token>`. Forged, expired or another customer's: refused.
 */
export function customerAccess(options: CustomerAccessOptions) {
  const keys = parseApiKeys(options.apiKeys);
  return async (request: FastifyRequest) => {
    const presented = presentedKey(request);
    const scope = presented === undefined ? undefined : scopeOfKey(keys, presented);
    if (scope === 'admin') return;
    if (scope !== undefined) {
      throw new ApiError(
        403,
        'forbidden',
        `this key's scope is ${scope}; web messages need an admin key or a customer token`,
      );
    }
    const query = request.query as Record<string, unknown> | undefined;
    const token = typeof query?.access_token === 'string' ? query.access_token : presented;
    if (!token) {
      throw new ApiError(
        401,
        'unauthorized',
        'Send a customer token (POST /v1/customer-tokens) as `Authorization: Bearer <token>` or `?access_token=`.',
      );
    }
    const check = verifyCustomerToken(token, options.customerTokenSecret);
    if (!check.valid) {
      const why = check.reason === 'expired' ? 'has expired: mint a new one' : 'is not valid';
      throw new ApiError(401, 'unauthorized', `the customer token ${why}`);
    }
    const customerId = (request.params as { id?: unknown } | undefined)?.id;
    if (check.claims.customerId !== customerId) {
      throw new ApiError(403, 'forbidden', 'this customer token is for another customer');
    }
  };
}
