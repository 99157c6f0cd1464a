// Counting a fault run: every planned send against the sinks (what the customer got) and the ledger (what Waymark
// recorded), every run against Temporal.
import type { Client } from '@temporalio/client';
import { emailMessageId } from '../../delivery/send-email';
import { listSinkMails, listSinkSms } from '../../dev/sink-client';
import type { StackEnv } from '../../dev/stack';
import { Delivery, deliveryId } from '../../models/delivery';
import { WebMessage } from '../../models/web-message';

export interface PlannedEntry {
  journey: 'renewal-window' | 'dependent-turning-26';
  customerId: string;
  email: string;
  phone?: string;
  /** 1 = the first entry, 2 = the customer entering again. */
  n: number;
  /** The step ids this entry sends (none for an entry that must be refused). */
  steps: string[];
  renewalDate?: string;
  turns26On?: string;
  workflowId?: string;
  /** The run that got the entry event: its first run id is the entry id of its ledger entries. */
  runId?: string;
  action?: string;
  state?: 'entered' | 'ended' | 'done';
}

type Channel = 'email' | 'sms' | 'web';

export interface ChannelTally {
  attempted: number;
  deliveredOnce: number;
  duplicates: number;
  recordedUnknown: number;
  /** Recorded unknown, and the sink does hold one copy (the customer got it). */
  unknownArrived: number;
  /** The ledger says sent, the sink holds nothing: a message lost. */
  sentButMissing: number;
  /** Neither sent nor unknown, by ledger state (`none`: no ledger entry). */
  notSent: Record<string, number>;
}

export interface FaultTally {
  sendsAttempted: number;
  deliveredOnce: number;
  duplicates: number;
  recordedUnknown: number;
  unknownArrived: number;
  sentButMissing: number;
  runsLost: number;
  runs: number;
  lostRuns: string[];
  reentries: { planned: number; entered: number; refused: number; refusalsPlanned: number };
  byChannel: Record<Channel, ChannelTally>;
}

const FINISHED: Record<PlannedEntry['journey'], string[]> = {
  'renewal-window': ['converted'],
  'dependent-turning-26': ['exited'],
};

export async function tallyFaultRun(input: {
  entries: PlannedEntry[];
  client: Client;
  env: StackEnv;
  emailFrom: string;
}): Promise<FaultTally> {
  const { entries, client, env, emailFrom } = input;
  const customers = [...new Set(entries.map((e) => e.customerId))];
  const [mails, sms, ledger, web] = await Promise.all([
    listSinkMails(env.SMTP_SINK_URL!),
    listSinkSms(env.TWILIO_API_URL!),
    Delivery.find({ customerId: { $in: customers } }).lean(),
    WebMessage.find({ customerId: { $in: customers } }).lean(),
  ]);
  const ledgerById = new Map(ledger.map((d) => [d._id, d]));
  const channels = (): ChannelTally => ({
    attempted: 0,
    deliveredOnce: 0,
    duplicates: 0,
    recordedUnknown: 0,
    unknownArrived: 0,
    sentButMissing: 0,
    notSent: {},
  });
  const byChannel: Record<Channel, ChannelTally> = { email: channels(), sms: channels(), web: channels() };

  for (const customerId of customers) {
    const mine = entries.filter((e) => e.customerId === customerId && e.runId && e.action !== 'skipped');
    const sends = mine.flatMap((e) =>
      e.steps.map((stepId) => ({ stepId, id: deliveryId(e.workflowId!, stepId, e.runId), entry: e })),
    );
    const address = mine[0]?.email ?? entries.find((e) => e.customerId === customerId)!.email;
    const phone = entries.find((e) => e.customerId === customerId)!.phone;
    const myMails = mails.filter((m) => m.envelope.to.includes(address));
    const mySms = phone ? sms.filter((m) => m.to === phone) : [];
    const myWeb = web.filter((w) => w.customerId === customerId);
    const ids = new Set(sends.map((s) => s.id));
    const attributedSms = new Set<string>();
    const copiesOf = new Map<string, number>();
    for (const send of sends) {
      const channel = send.stepId.split(':')[0] as Channel;
      const record = ledgerById.get(send.id);
      let copies = 0;
      if (channel === 'email')
        copies = myMails.filter((m) => m.messageId === emailMessageId(send.id, emailFrom)).length;
      if (channel === 'web') copies = myWeb.filter((w) => w._id === send.id).length;
      if (channel === 'sms' && record?.providerMessageId) {
        const matching = mySms.filter((m) => m.sid === record.providerMessageId);
        matching.forEach((m) => attributedSms.add(m.sid));
        copies = matching.length;
      }
      copiesOf.set(send.id, copies);
    }
    // An SMS whose answer was lost has no SID in the ledger: an unattributed copy counts for one such send.
    const unattributed = mySms.filter((m) => !attributedSms.has(m.sid));
    for (const send of sends.filter((s) => s.stepId.startsWith('sms:') && copiesOf.get(s.id) === 0)) {
      if (ledgerById.get(send.id)?.state !== 'unknown' || unattributed.length === 0) continue;
      unattributed.pop();
      copiesOf.set(send.id, 1);
    }
    for (const send of sends) {
      const channel = send.stepId.split(':')[0] as Channel;
      const tally = byChannel[channel];
      const copies = copiesOf.get(send.id)!;
      const state = ledgerById.get(send.id)?.state ?? 'none';
      tally.attempted += 1;
      if (copies === 1) tally.deliveredOnce += 1;
      if (copies > 1) tally.duplicates += copies - 1;
      if (state === 'unknown') {
        tally.recordedUnknown += 1;
        if (copies > 0) tally.unknownArrived += 1;
      } else if (state === 'sent' && copies === 0) {
        tally.sentButMissing += 1;
      } else if (copies === 0) {
        tally.notSent[state] = (tally.notSent[state] ?? 0) + 1;
      }
    }
    // Copies that belong to no planned send of this customer (another ledger id, a refused re-entry that sent).
    byChannel.email.duplicates += myMails.filter(
      (m) => ![...ids].some((id) => m.messageId === emailMessageId(id, emailFrom)),
    ).length;
    byChannel.web.duplicates += myWeb.filter((w) => !ids.has(w._id)).length;
    byChannel.sms.duplicates += unattributed.length;
  }

  const lostRuns: string[] = [];
  let runs = 0;
  for (const e of entries) {
    if (e.n === 2 && e.journey === 'dependent-turning-26') continue; // refused: no run of its own
    runs += 1;
    if (!e.workflowId || !e.runId) {
      lostRuns.push(`${e.customerId} entry ${e.n}: never entered`);
      continue;
    }
    const result = await Promise.race([
      client.workflow
        .getHandle(e.workflowId, e.runId)
        .result()
        .then(
          (r: { outcome?: string }) => `completed ${r.outcome}`,
          (err: Error) => `failed: ${err.message}`,
        ),
      new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 5000)),
    ]);
    const outcome = result.startsWith('completed ') ? result.slice('completed '.length) : undefined;
    if (!outcome || !FINISHED[e.journey].includes(outcome)) {
      lostRuns.push(`${e.workflowId} (run ${e.runId}, entry ${e.n}): ${result}`);
    }
  }

  const sum = (f: (t: ChannelTally) => number) => Object.values(byChannel).reduce((n, t) => n + f(t), 0);
  const renewals = entries.filter((e) => e.journey === 'renewal-window' && e.n === 2);
  const refusals = entries.filter((e) => e.journey === 'dependent-turning-26' && e.n === 2);
  return {
    sendsAttempted: sum((t) => t.attempted),
    deliveredOnce: sum((t) => t.deliveredOnce),
    duplicates: sum((t) => t.duplicates),
    recordedUnknown: sum((t) => t.recordedUnknown),
    unknownArrived: sum((t) => t.unknownArrived),
    sentButMissing: sum((t) => t.sentButMissing),
    runsLost: lostRuns.length,
    runs,
    lostRuns,
    reentries: {
      planned: renewals.length,
      entered: renewals.filter((e) => e.action === 'entered' || e.runId).length,
      refused: refusals.filter((e) => e.action === 'skipped').length,
      refusalsPlanned: refusals.length,
    },
    byChannel,
  };
}
