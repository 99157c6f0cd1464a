/**
 * Values spliced into Temporal visibility queries. The query language has no reliable escape, so a value that could
 * break out of its quotes is refused rather than escaped. Customer ids are validated to this shape at the API.
 */
const SAFE_VALUE = /^[A-Za-z0-9_.:@+-]{1,256}$/;

export function visibilityValue(value: string): string {
  if (!SAFE_VALUE.test(value)) throw new TypeError(`'${value}' cannot be used in a visibility query`);
  return `'${value}'`;
}

/** Every run of any journey for a customer. */
export function customerRunsQuery(customerId: string): string {
  return `WaymarkCustomerId = ${visibilityValue(customerId)}`;
}

/** The open runs of one journey version, every customer's (also what to paste in the Temporal UI). */
export function openVersionRunsQuery(journey: string, version: number): string {
  if (!Number.isInteger(version)) throw new TypeError(`journey version ${version} is not an integer`);
  return (
    `WaymarkJourney = ${visibilityValue(journey)} AND WaymarkJourneyVersion = ${version} ` +
    `AND ExecutionStatus = 'Running'`
  );
}

/** The customer's open runs of one journey (every version). */
export function openJourneyRunsQuery(customerId: string, journey: string): string {
  return (
    `WaymarkCustomerId = ${visibilityValue(customerId)} AND WaymarkJourney = ${visibilityValue(journey)} ` +
    `AND ExecutionStatus = 'Running'`
  );
}

/** Runs of one journey version that started in [from, to), and `extra`: a condition of our own (never user input). */
export function journeyRunsQuery(
  journey: string,
  options: { version: number; from: Date; to: Date; extra?: string },
): string {
  if (!Number.isInteger(options.version)) throw new TypeError(`journey version ${options.version} is not an integer`);
  return [
    `WaymarkJourney = ${visibilityValue(journey)}`,
    `WaymarkJourneyVersion = ${options.version}`,
    `StartTime >= '${options.from.toISOString()}'`,
    `StartTime < '${options.to.toISOString()}'`,
    ...(options.extra ? [options.extra] : []),
  ].join(' AND ');
}
