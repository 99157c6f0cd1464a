import { temporal } from '@temporalio/proto';

// Saved histories are the protobuf object form of temporal.api.history.v1.History (camelCase fields, enums by name,
// 64-bit integers as strings, payload bytes as base64), written and read with @temporalio/proto's own generated
// code. The SDK's historyToJSON/historyFromJSON fail in this install ("type must be a Type": @temporalio/common and
// @temporalio/proto each carry their own copy of protobufjs 8), and the replayer accepts this form as is.
const OBJECT_OPTIONS = { longs: String, enums: String, bytes: String } as const;

export function historyToObject(history: temporal.api.history.v1.IHistory): Record<string, unknown> {
  const message = temporal.api.history.v1.History.fromObject(history);
  return temporal.api.history.v1.History.toObject(message, OBJECT_OPTIONS);
}

export function historyFromObject(saved: unknown): temporal.api.history.v1.History {
  if (typeof saved !== 'object' || saved === null || !Array.isArray((saved as { events?: unknown }).events)) {
    throw new TypeError('not a saved history: expected an object with an `events` array');
  }
  return temporal.api.history.v1.History.fromObject(saved as Record<string, unknown>);
}
