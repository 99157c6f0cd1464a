import { proxyActivities, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import type { SmokeActivities } from './smoke-activities';

const { saveProfile, sendMail, sendSms } = proxyActivities<SmokeActivities>({ startToCloseTimeout: '30 seconds' });

export async function smokeChain(input: { id: string; email: string; phone: string }): Promise<string[]> {
  await saveProfile(input);
  const mailId = await sendMail({ to: input.email, subject: `smoke ${input.id}` });
  const smsSid = await sendSms({ to: input.phone, body: `smoke ${input.id}` });
  return [mailId, smsSid];
}

/** Sleeps a month of workflow time, then reports the current step search attribute it set. */
export async function smokeLongSleep(): Promise<string> {
  upsertSearchAttributes({ WaymarkStep: ['sleeping'] });
  await sleep('30 days');
  return 'woke';
}
