import { ListStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  paginateListRoles,
  type IAMClient,
} from '@aws-sdk/client-iam';
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  ListAliasesCommand,
  ListKeysCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import {
  ListHostedZonesCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import {
  GetBucketLocationCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  ListBucketsCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';
import { policyDocument, sorted, tagMap, type ResourceRecord } from './types.js';

/** `run`'s value, or `fallback` when AWS answers one of `codes` (nothing there). */
async function unless<T>(run: () => Promise<T>, fallback: T, ...codes: string[]): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (codes.includes((error as { name?: string }).name ?? '')) return fallback;
    throw error;
  }
}

/** The account's buckets in `region` with tags and policy, and every object: key, size, ETag. */
export async function s3Resources(s3: S3Client, region: string): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const bucket of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
    const name = bucket.Name!;
    const location = (await s3.send(new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint;
    if ((location || 'us-east-1') !== region) continue;
    const tags = await unless(
      async () => tagMap((await s3.send(new GetBucketTaggingCommand({ Bucket: name }))).TagSet),
      {},
      'NoSuchTagSet',
    );
    const policy = await unless(
      async () => policyDocument((await s3.send(new GetBucketPolicyCommand({ Bucket: name }))).Policy),
      null,
      'NoSuchBucketPolicy',
    );
    out[`s3-bucket/${name}`] = { policy, tags };
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: name })) {
      for (const o of page.Contents ?? []) {
        out[`s3-object/${name}/${o.Key}`] = { size: o.Size ?? 0, etag: o.ETag ?? '' };
      }
    }
  }
  return out;
}

export async function cloudformationResources(
  cfn: CloudFormationClient,
): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const s of (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? []) {
    if (s.StackStatus === 'DELETE_COMPLETE') continue;
    out[`cloudformation-stack/${s.StackName}`] = { status: s.StackStatus ?? '' };
  }
  return out;
}

/** Roles with their trust policy, inline policies (documents) and attached managed policies. */
export async function iamResources(iam: IAMClient): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for await (const page of paginateListRoles({ client: iam }, {})) {
    for (const role of page.Roles ?? []) {
      const name = role.RoleName!;
      const inline: Record<string, ReturnType<typeof policyDocument>> = {};
      for (const policy of sorted(
        (await iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames ?? [],
      )) {
        const doc = await iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policy }));
        inline[policy] = policyDocument(doc.PolicyDocument);
      }
      const attached = (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name })))
        .AttachedPolicies;
      out[`iam-role/${role.Path ?? '/'}${name}`] = {
        trust: policyDocument(role.AssumeRolePolicyDocument),
        inline,
        attached: sorted((attached ?? []).map((p) => p.PolicyArn ?? '')),
        tags: tagMap(role.Tags),
      };
    }
  }
  return out;
}

/** Hosted zones and every record set: name, type, TTL, values (sorted), alias target. */
export async function route53Resources(route53: Route53Client): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const zone of (await route53.send(new ListHostedZonesCommand({}))).HostedZones ?? []) {
    const id = zone.Id!.replace('/hostedzone/', '');
    out[`route53-zone/${id}`] = { name: zone.Name ?? '' };
    const sets = (await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id })))
      .ResourceRecordSets;
    for (const r of sets ?? []) {
      out[`route53-record/${id}/${r.Name}/${r.Type}${r.SetIdentifier ? `/${r.SetIdentifier}` : ''}`] = {
        ttl: r.TTL ?? null,
        values: sorted((r.ResourceRecords ?? []).map((v) => v.Value ?? '')),
        alias: r.AliasTarget?.DNSName ?? null,
      };
    }
  }
  return out;
}

/** Customer managed keys: state, key policy, aliases. */
export async function kmsResources(kms: KMSClient): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  const aliases = (await kms.send(new ListAliasesCommand({}))).Aliases ?? [];
  for (const key of (await kms.send(new ListKeysCommand({}))).Keys ?? []) {
    const { KeyMetadata: meta } = await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }));
    if (meta?.KeyManager === 'AWS') continue;
    const policy = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: 'default' }));
    out[`kms-key/${key.KeyId}`] = {
      state: meta?.KeyState ?? '',
      policy: policyDocument(policy.Policy),
      aliases: sorted(aliases.filter((a) => a.TargetKeyId === key.KeyId).map((a) => a.AliasName ?? '')),
    };
  }
  return out;
}
