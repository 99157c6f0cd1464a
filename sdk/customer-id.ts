/**
 * Anonymous visitors get a profile whose id is `anon:` + a digest of their anonymous id (formed by routing/, which
 * has the hash function). The id never changes: when the visitor identifies, the profile is merged into the known
 * customer's and stays behind as a record pointing there, and the visitor's runs keep their workflow ids.
 */
export const ANONYMOUS_CUSTOMER_PREFIX = 'anon:';

/** Whether a customer id names an anonymous visitor (no email or phone until they identify). */
export function isAnonymousCustomerId(customerId: string): boolean {
  return customerId.startsWith(ANONYMOUS_CUSTOMER_PREFIX);
}
