import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config';
import { Profile } from '../../models/profile';
import { createMailer } from '../../delivery/providers/smtp-transport';
import { createTwilioClient } from '../../delivery/providers/twilio-client';
import { connectTemporal, connectTestDatabase, uniqueTaskQueue } from '../support/servers';
import { sinks } from '../support/sinks';
import { createSmokeActivities } from './smoke-activities';
import { smokeChain } from './smoke-workflow';

describe('embedded stack', () => {
  it('runs a workflow on the dev server whose activities reach MongoDB, SMTP and Twilio for real', async () => {
    const config = loadConfig();
    const db = await connectTestDatabase('smoke');
    const temporal = await connectTemporal();
    const mailer = createMailer(config);
    const taskQueue = uniqueTaskQueue('smoke');
    const id = `smoke-${randomUUID().slice(0, 8)}`;
    const email = `${id}@example.com`;
    const phone = '+15551230001';
    try {
      const worker = await Worker.create({
        connection: temporal.nativeConnection,
        dataConverter: temporal.dataConverter,
        taskQueue,
        workflowsPath: require.resolve('./smoke-workflow'),
        activities: createSmokeActivities({ mailer, twilio: createTwilioClient(config), smsFrom: config.TWILIO_FROM }),
      });
      const [mailId, smsSid] = await worker.runUntil(
        temporal.client.workflow.execute(smokeChain, { taskQueue, workflowId: id, args: [{ id, email, phone }] }),
      );

      const profile = await Profile.findById(id).lean();
      expect(profile).toMatchObject({ email, phone });

      const [mail] = await sinks.waitForMails({ to: email, count: 1 });
      expect(mail.subject).toBe(`smoke ${id}`);
      expect(mail.messageId).toBe(mailId);

      const sms = await sinks.waitForSms({ to: phone, count: 1 });
      expect(sms.map((m) => m.sid)).toContain(smsSid);
      expect(sms.find((m) => m.sid === smsSid)?.body).toBe(`smoke ${id}`);
    } finally {
      mailer.close();
      await temporal.close();
      await db.close();
    }
  });
});
