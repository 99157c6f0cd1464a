import type { Mailer } from '../../delivery/providers/smtp-transport';
import type { Twilio } from 'twilio';
import { Profile } from '../../models/profile';

/** The smallest real chain: a profile into MongoDB, a mail over SMTP, an SMS through Twilio's API. */
export function createSmokeActivities(deps: { mailer: Mailer; twilio: Twilio; smsFrom: string }) {
  return {
    async saveProfile(input: { id: string; email: string; phone: string }): Promise<void> {
      await Profile.updateOne(
        { _id: input.id },
        { $set: { email: input.email, phone: input.phone } },
        { upsert: true },
      );
    },
    async sendMail(input: { to: string; subject: string }): Promise<string> {
      const info = await deps.mailer.sendMail({
        from: 'smoke@waymark.local',
        to: input.to,
        subject: input.subject,
        text: 'hi',
      });
      return info.messageId;
    },
    async sendSms(input: { to: string; body: string }): Promise<string> {
      const message = await deps.twilio.messages.create({ to: input.to, from: deps.smsFrom, body: input.body });
      return message.sid;
    },
  };
}

export type SmokeActivities = ReturnType<typeof createSmokeActivities>;
