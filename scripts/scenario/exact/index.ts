import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { seedingClientConfig } from '../accounts.js';
import { dynamodbResources } from './dynamodb.js';
import { ec2Resources } from './ec2.js';
import {
  cloudformationResources,
  iamResources,
  kmsResources,
  route53Resources,
  s3Resources,
} from './other.js';
import { rdsResources } from './rds.js';
import type { ExactInventory } from './types.js';

export { diffInventories, formatDifference, type Difference } from './diff.js';
export type { ExactInventory, ResourceRecord } from './types.js';

/**
 * Everything in one account and region that a plan must leave exactly as it found it, read as the
 * account itself (its seeding key) with the AWS SDK: EC2 instances, volumes, AMIs and snapshots; RDS
 * instances, Aurora clusters and both kinds of snapshots; DynamoDB tables with their settings, item
 * counts and content hashes, backups and auto scaling; S3 buckets (of the region) and objects;
 * CloudFormation stacks; KMS keys; and the account's global ones, IAM roles and Route 53 zones and
 * records, unless `global` is false (the second region of an account inventoried once already).
 */
export async function exactInventory(
  accountId: string,
  region: string,
  { global = true }: { global?: boolean } = {},
): Promise<ExactInventory> {
  const config = seedingClientConfig(accountId, region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const dynamodb = new DynamoDBClient(config);
  const scaling = new ApplicationAutoScalingClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true, followRegionRedirects: true });
  const cfn = new CloudFormationClient(config);
  const iam = new IAMClient(config);
  const route53 = new Route53Client(config);
  const kms = new KMSClient(config);
  try {
    const parts = await Promise.all([
      ec2Resources(ec2),
      rdsResources(rds),
      dynamodbResources(dynamodb, scaling),
      s3Resources(s3, region),
      cloudformationResources(cfn),
      global ? iamResources(iam) : {},
      global ? route53Resources(route53) : {},
      kmsResources(kms),
    ]);
    const resources = Object.assign({}, ...parts) as ExactInventory['resources'];
    const ordered = Object.fromEntries(
      Object.keys(resources)
        .sort()
        .map((k) => [k, resources[k]!]),
    );
    return { accountId, region, resources: ordered };
  } finally {
    for (const client of [ec2, rds, dynamodb, scaling, s3, cfn, iam, route53, kms]) client.destroy();
  }
}
