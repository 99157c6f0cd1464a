/** An event id reused, by the same source for the same customer, for a different payload: answered 409, never routed. */
export class EventIdConflict extends Error {
  override readonly name = 'EventIdConflict';

  constructor(
    readonly eventId: string,
    readonly source: string,
    readonly firstSignal: string,
    readonly firstReceivedAt: Date | undefined,
  ) {
    super(
      `event id '${eventId}' (source ${source}) was first received` +
        `${firstReceivedAt ? ` at ${firstReceivedAt.toISOString()}` : ''} with a different payload (${firstSignal}); ` +
        'a resend must repeat it exactly, a new event needs a new id',
    );
  }
}
