import { randomInt } from 'node:crypto';
import {
  ApplicationAutoScalingClient,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DynamoDBClient, PutItemCommand, UpdateContinuousBackupsCommand } from '@aws-sdk/client-dynamodb';
import {
  CreateTagsCommand,
  EC2Client,
  ModifyInstanceAttributeCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ModifyDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { seedingClientConfig } from '../accounts.js';
import { seedScenario } from '../seed.js';
import { diffInventories, exactInventory, formatDifference } from './index.js';

// The exact inventory sees every change the abort matrix must catch: one change of each kind to a seeded
// application, each named by the diff; and two inventories of an unchanged account are equal.
describe('exact inventory', () => {
  it(
    'is stable, and names each change to instances, databases, tables, buckets and records',
    { timeout: 120_000 },
    async () => {
      const base = `46${String(randomInt(0, 10 ** 9)).padStart(9, '0')}`;
      const primary = { accountId: `${base}0`, region: 'us-east-1' };
      const scenario = await seedScenario({
        planId: `inv-${base.slice(-6)}`,
        primary,
        recovery: { accountId: `${base}1`, region: 'us-west-2' },
        ec2Instances: 1,
        rdsInstances: 1,
        auroraClusters: 0,
        tables: [
          { name: 'orders', shape: 'orders', items: 20, pitr: true, autoscaling: true, ttlAttribute: 'ttl' },
        ],
        dns: 'route53',
      });
      const before = await exactInventory(primary.accountId, primary.region);
      expect(diffInventories(before, await exactInventory(primary.accountId, primary.region))).toEqual([]);
      const kinds = new Set(Object.keys(before.resources).map((k) => k.split('/')[0]));
      for (const kind of [
        'ec2-instance',
        'ec2-volume',
        'rds-instance',
        'dynamodb-table',
        'autoscaling-target',
        'autoscaling-policy',
        'iam-role',
        'route53-zone',
        'route53-record',
        'kms-key',
      ])
        expect(kinds, kind).toContain(kind);

      const config = seedingClientConfig(primary.accountId, primary.region);
      const ec2 = new EC2Client(config);
      const rds = new RDSClient(config);
      const dynamodb = new DynamoDBClient(config);
      const scaling = new ApplicationAutoScalingClient(config);
      const s3 = new S3Client({ ...config, forcePathStyle: true });
      const route53 = new Route53Client(config);
      const instanceKey = Object.keys(before.resources).find((k) => k.startsWith('ec2-instance/'))!;
      const instanceId = instanceKey.split('/')[1]!;
      const devices = before.resources[instanceKey]!.blockDevices as Array<{ device: string }>;
      await ec2.send(
        new CreateTagsCommand({ Resources: [instanceId], Tags: [{ Key: 'failback:retired', Value: 'x' }] }),
      );
      await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
      await ec2.send(
        new ModifyInstanceAttributeCommand({
          InstanceId: instanceId,
          BlockDeviceMappings: [{ DeviceName: devices[1]!.device, Ebs: { DeleteOnTermination: true } }],
        }),
      );
      await rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: 'shop-db',
          BackupRetentionPeriod: 9,
          ApplyImmediately: true,
        }),
      );
      await dynamodb.send(
        new PutItemCommand({ TableName: 'orders', Item: { pk: { S: 'x' }, sk: { N: '1' } } }),
      );
      await dynamodb.send(
        new UpdateContinuousBackupsCommand({
          TableName: 'orders',
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        }),
      );
      await scaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId: 'table/orders',
          ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
          MinCapacity: 5,
          MaxCapacity: 60,
        }),
      );
      await s3.send(new CreateBucketCommand({ Bucket: `inv-${base}` }));
      await s3.send(new PutObjectCommand({ Bucket: `inv-${base}`, Key: 'a/b.json', Body: '{}' }));
      await route53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: scenario.hostedZoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: {
                  Name: scenario.dnsRecord.name,
                  Type: 'A',
                  TTL: 60,
                  ResourceRecords: [{ Value: scenario.dnsRecord.primaryValue }],
                },
              },
            ],
          },
        }),
      );
      for (const c of [ec2, rds, dynamodb, scaling, s3, route53]) c.destroy();

      const lines = diffInventories(before, await exactInventory(primary.accountId, primary.region)).map(
        (d) =>
          formatDifference(d)
            .replace(/\b(i|vol)-[0-9a-f]+/g, '$1-…')
            .replace(/inv-\d+/g, 'inv-…'),
      );
      expect(lines).toEqual(
        expect.arrayContaining([
          'autoscaling-target/table/orders/dynamodb:table:ReadCapacityUnits: max 50 → 60',
          expect.stringMatching(/^dynamodb-table\/orders: contentHash "[0-9a-f]{64}" → "[0-9a-f]{64}"$/),
          'dynamodb-table/orders: itemCount 2 → 3',
          'dynamodb-table/orders: pointInTimeRecovery "ENABLED" → "DISABLED"',
          expect.stringMatching(/^ec2-instance\/i-… \(shop-web\): blockDevices \[/),
          'ec2-instance/i-… (shop-web): state "running" → "stopped"',
          'ec2-instance/i-… (shop-web): tags.failback:retired (absent) → "x"',
          'ec2-volume/vol-…: attachments [{"instanceId":"i-…","device":"/dev/sdf","deleteOnTermination":false}] → [{"instanceId":"i-…","device":"/dev/sdf","deleteOnTermination":true}]',
          'rds-instance/shop-db (shop-db): backupRetentionPeriod 1 → 9',
          expect.stringMatching(
            /route53-record\/\w+\/app\.shop\.example\.com\.\/A: values \["198\.51\.100\.10"\] → \["203\.0\.113\.10"\]/,
          ),
          's3-bucket/inv-…: new',
          's3-object/inv-…/a/b.json: new',
        ]),
      );
    },
  );
});
