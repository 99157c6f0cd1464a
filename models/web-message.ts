import { Schema, model, type InferSchemaType } from 'mongoose';

/** An in-app message for one customer; `_id` is the delivery ledger id, so a retried send cannot store it twice. */
const webMessageSchema = new Schema(
  {
    _id: { type: String, required: true },
    customerId: { type: String, required: true },
    journey: { type: String, required: true },
    template: { type: String, required: true },
    title: { type: String, required: true },
    body: { type: String, required: true },
    url: { type: String },
    expiresAt: { type: Date, required: true },
    seenAt: { type: Date },
    clickedAt: { type: Date },
  },
  { timestamps: true },
);

webMessageSchema.index({ customerId: 1, expiresAt: 1 });
webMessageSchema.index({ customerId: 1, createdAt: 1 });
// MongoDB deletes expired messages by itself; stores without TTL rely on the retention sweep (privacy/retention.ts).
webMessageSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export type WebMessageDocument = InferSchemaType<typeof webMessageSchema> & {
  _id: string;
  createdAt: Date;
  updatedAt: Date;
};

export const WebMessage = model('WebMessage', webMessageSchema);
