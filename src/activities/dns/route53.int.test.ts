import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { EnvironmentRef } from '../../domain/resources.js';
import { accessRole } from '../../../test/support/access.js';
import { PRIMARY_ACCOUNT, seedingClientConfig } from '../../../test/support/aws.js';
import { EmulatorAdmin } from '../../../emulator/client.js';
import { runActivity } from '../../../test/support/activity.js';
import { cutoverDns, restoreDns } from './route53.js';

const run = Date.now().toString(36);
const zoneName = `shop-${run}.example.com`;
const route53 = new Route53Client(seedingClientConfig(PRIMARY_ACCOUNT, 'us-east-1'));
// The plan's access role, made by the access stack for this hosted zone only.
let primary: EnvironmentRef;

async function recordsNow(zone: string): Promise<Record<string, string[]>> {
  const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zone }));
  return Object.fromEntries(
    (out.ResourceRecordSets ?? [])
      .filter((r) => r.Type === 'A' || r.Type === 'CNAME' || r.Type === 'TXT')
      .map((r) => [`${r.Name} ${r.Type}`, (r.ResourceRecords ?? []).map((v) => v.Value ?? '')]),
  );
}

describe('Route 53 DNS cutover', () => {
  let zone: string;
  const admin = new EmulatorAdmin(inject('awsEndpoint'));

  beforeAll(async () => {
    const created = await route53.send(new CreateHostedZoneCommand({ Name: zoneName, CallerReference: run }));
    zone = (created.HostedZone?.Id ?? '').replace('/hostedzone/', '');
    primary = await accessRole(`dns-${run}`, { accountId: PRIMARY_ACCOUNT, region: 'us-east-1' }, {}, zone);
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone,
        ChangeBatch: {
          Changes: [
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: `app.${zoneName}`,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '198.51.100.7' }],
              },
            },
          ],
        },
      }),
    );
  });

  it('upserts every record in one change, waits INSYNC, and restoreDns puts the previous values back', async () => {
    const records = [
      { name: `app.${zoneName}`, type: 'A' as const, value: '203.0.113.10', ttl: 60 },
      { name: `api.${zoneName}`, type: 'CNAME' as const, value: `api.primary.${zoneName}`, ttl: 300 },
      { name: `_failback.${zoneName}`, type: 'TXT' as const, value: 'primary', ttl: 300 },
    ];
    let lastHeartbeat: unknown;
    await admin.clearCalls(PRIMARY_ACCOUNT);
    const input = { planId: `dns-${run}`, primary, hostedZoneId: zone, records };
    const result = await runActivity(cutoverDns, [input], { onHeartbeat: (d) => (lastHeartbeat = d) });
    expect(result.changeId).not.toBe('');
    expect(result.previous).toEqual([
      { name: `app.${zoneName}`, type: 'A', ttl: 60, values: ['198.51.100.7'] },
      { name: `api.${zoneName}`, type: 'CNAME', values: [] },
      { name: `_failback.${zoneName}`, type: 'TXT', values: [] },
    ]);
    expect(await recordsNow(zone)).toMatchObject({
      [`app.${zoneName}. A`]: ['203.0.113.10'],
      [`api.${zoneName}. CNAME`]: [`api.primary.${zoneName}`],
      [`_failback.${zoneName}. TXT`]: ['"primary"'],
    });
    expect((await admin.calls(PRIMARY_ACCOUNT)).byOperation['route53:ChangeResourceRecordSets']).toBe(1);

    // A retried attempt (the worker died after the change): no new change, the original previous values.
    const retried = await runActivity(cutoverDns, [input], { heartbeatDetails: lastHeartbeat });
    expect(retried.previous).toEqual(result.previous);
    expect(retried.changeId).toBe(result.changeId);
    expect((await admin.calls(PRIMARY_ACCOUNT)).byOperation['route53:ChangeResourceRecordSets']).toBe(1);

    await runActivity(restoreDns, [{ ...input, previous: result.previous }]);
    expect((await admin.calls(PRIMARY_ACCOUNT)).byOperation['route53:ChangeResourceRecordSets']).toBe(2);
    const after = await recordsNow(zone);
    expect(after[`app.${zoneName}. A`]).toEqual(['198.51.100.7']);
    expect(after[`api.${zoneName}. CNAME`]).toBeUndefined();
    expect(after[`_failback.${zoneName}. TXT`]).toBeUndefined();
    // Restoring again changes nothing.
    await runActivity(restoreDns, [{ ...input, previous: result.previous }]);
    expect((await admin.calls(PRIMARY_ACCOUNT)).byOperation['route53:ChangeResourceRecordSets']).toBe(2);
  });
});
