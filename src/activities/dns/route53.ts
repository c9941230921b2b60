import {
  ChangeResourceRecordSetsCommand,
  GetChangeCommand,
  ListResourceRecordSetsCommand,
  type Change,
  type ResourceRecordSet,
  type RRType,
} from '@aws-sdk/client-route-53';
import { log } from '@temporalio/activity';
import type { DnsRecord } from '../../domain/plan-spec.js';
import type { DnsCutoverResult, EnvironmentRef } from '../../domain/resources.js';
import { awsEnvironment, type AwsEnvironment } from '../aws/clients.js';
import { expectedMs } from '../aws/durations.js';
import { aws, needsPersonFailure } from '../aws/errors.js';
import { pollUntil } from '../aws/polling.js';
import { previousHeartbeat, remember, stickyDetails } from '../aws/heartbeat.js';

export type PreviousRecord = DnsCutoverResult['previous'][number];

export interface CutoverDnsInput {
  planId: string;
  primary: EnvironmentRef;
  hostedZoneId: string;
  records: DnsRecord[];
  /** What readDnsRecords found before the cutover (the plan recorded it): returned as `previous`. */
  previous?: PreviousRecord[];
}

export type ReadDnsInput = Omit<CutoverDnsInput, 'previous'>;

export interface RestoreDnsInput {
  planId: string;
  primary: EnvironmentRef;
  hostedZoneId: string;
  previous: PreviousRecord[];
}

const zoneId = (id: string) => id.replace(/^\/hostedzone\//, '');
const normalName = (name: string) => name.toLowerCase().replace(/\.$/, '').replace(/\\052/g, '*');
/** Route 53 wants TXT values quoted; the plan spec may give them bare. */
const wireValue = (type: string, value: string) =>
  type === 'TXT' && !value.startsWith('"') ? `"${value}"` : value;

function environment(input: { planId: string; primary: EnvironmentRef }): AwsEnvironment {
  return awsEnvironment(input.primary, { sessionName: `failback-${input.planId}`.slice(0, 64) });
}

/** The simple record set (name, type) in the zone, if any. Aliases and routing policies are refused. */
async function currentRecord(
  env: AwsEnvironment,
  zone: string,
  name: string,
  type: string,
): Promise<ResourceRecordSet | undefined> {
  const out = await aws({ what: `ListResourceRecordSets ${name} ${type}`, roleArn: env.access.roleArn }, () =>
    env.route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zone,
        StartRecordName: name,
        StartRecordType: type as RRType,
        MaxItems: 1,
      }),
    ),
  );
  const found = out.ResourceRecordSets?.find(
    (r) => normalName(r.Name ?? '') === normalName(name) && r.Type === type,
  );
  if (found && (found.AliasTarget || found.SetIdentifier))
    throw needsPersonFailure(
      'InvalidParameter',
      `${name} ${type} in zone ${zone} is an alias or has a routing policy: cut it over by hand (dnsCutover mode manual)`,
    );
  return found;
}

const valuesOf = (r: ResourceRecordSet | undefined) => (r?.ResourceRecords ?? []).map((v) => v.Value ?? '');

async function waitInsync(env: AwsEnvironment, changeId: string): Promise<void> {
  await pollUntil(
    `Route 53 change ${changeId} INSYNC`,
    async () => {
      const out = await aws({ what: `GetChange ${changeId}`, roleArn: env.access.roleArn }, () =>
        env.route53.send(new GetChangeCommand({ Id: changeId })),
      );
      return { done: out.ChangeInfo?.Status === 'INSYNC', state: out.ChangeInfo?.Status };
    },
    { expectedMs: expectedMs('route53:change'), details: stickyDetails() },
  );
}

async function sendChanges(
  env: AwsEnvironment,
  zone: string,
  changes: Change[],
  comment: string,
): Promise<string> {
  const out = await aws({ what: `ChangeResourceRecordSets ${zone}`, roleArn: env.access.roleArn }, () =>
    env.route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: { Comment: comment, Changes: changes },
      }),
    ),
  );
  return out.ChangeInfo?.Id ?? '';
}

interface CutoverProgress {
  dnsPrevious?: PreviousRecord[];
  dnsChangeId?: string;
}

function previousOf(records: DnsRecord[], current: Array<ResourceRecordSet | undefined>): PreviousRecord[] {
  return records.map((r, i) => {
    const record = current[i];
    return {
      name: r.name,
      type: r.type,
      ...(record?.TTL !== undefined ? { ttl: record.TTL } : {}),
      values: valuesOf(record),
    };
  });
}

/**
 * The records' values now, read-only: the plan records them before the cutover changes anything, so
 * an abort during or right after the cutover restores them whatever the timing (decision 0031).
 */
export async function readDnsRecords(input: ReadDnsInput): Promise<PreviousRecord[]> {
  const env = environment(input);
  const zone = zoneId(input.hostedZoneId);
  const current = await Promise.all(input.records.map((r) => currentRecord(env, zone, r.name, r.type)));
  return previousOf(input.records, current);
}

/**
 * Points the records at primary in one atomic change batch and waits for INSYNC. The previous values
 * are read first and kept in the heartbeat before the change is sent, so a retried attempt (which sees
 * the new values already in place and sends nothing) still returns what was there before.
 */
export async function cutoverDns(input: CutoverDnsInput): Promise<DnsCutoverResult> {
  const env = environment(input);
  const zone = zoneId(input.hostedZoneId);
  const earlier = previousHeartbeat<CutoverProgress>();
  const current = await Promise.all(input.records.map((r) => currentRecord(env, zone, r.name, r.type)));
  const previous: PreviousRecord[] =
    input.previous ?? earlier?.dnsPrevious ?? previousOf(input.records, current);
  remember({ dnsPrevious: previous, ...(earlier?.dnsChangeId ? { dnsChangeId: earlier.dnsChangeId } : {}) });
  const pending = input.records.filter((r, i) => {
    const record = current[i];
    return !(record && record.TTL === r.ttl && valuesOf(record).join('\n') === wireValue(r.type, r.value));
  });
  let changeId = earlier?.dnsChangeId ?? '';
  if (pending.length > 0) {
    changeId = await sendChanges(
      env,
      zone,
      pending.map((r) => ({
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: r.name,
          Type: r.type,
          TTL: r.ttl,
          ResourceRecords: [{ Value: wireValue(r.type, r.value) }],
        },
      })),
      `failback ${input.planId}: cutover to primary`,
    );
    remember({ dnsChangeId: changeId });
  }
  if (changeId) await waitInsync(env, changeId);
  return { changeId, previous, at: new Date().toISOString() };
}

/**
 * Puts the previous values back (deleting records that did not exist before) and waits for INSYNC.
 * Returns how many records it changed (0: they were as before, e.g. the cutover never sent its change).
 */
export async function restoreDns(input: RestoreDnsInput): Promise<{ changed: number; changeId?: string }> {
  const env = environment(input);
  const zone = zoneId(input.hostedZoneId);
  const changes: Change[] = [];
  for (const p of input.previous) {
    const record = await currentRecord(env, zone, p.name, p.type);
    if (p.values.length === 0) {
      if (record) changes.push({ Action: 'DELETE', ResourceRecordSet: record });
    } else if (
      !record ||
      valuesOf(record).join('\n') !== p.values.join('\n') ||
      (p.ttl !== undefined && record.TTL !== p.ttl)
    ) {
      changes.push({
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: p.name,
          Type: p.type as RRType,
          TTL: p.ttl ?? record?.TTL ?? 300,
          ResourceRecords: p.values.map((Value) => ({ Value })),
        },
      });
    }
  }
  if (changes.length === 0) return { changed: 0 };
  const changeId = await sendChanges(
    env,
    zone,
    changes,
    `failback ${input.planId}: back to the previous records`,
  );
  await waitInsync(env, changeId);
  log.info('DNS records restored', { planId: input.planId, changeId, records: changes.length });
  return { changed: changes.length, changeId };
}

export const dnsActivities = { readDnsRecords, cutoverDns, restoreDns };
