import { DescribeSecurityGroupsCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateDBSubnetGroupCommand, RDSClient } from '@aws-sdk/client-rds';
import { seedingClientConfig } from '../../scripts/scenario/accounts.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';

/**
 * The copies' network in primary, mapped through the plan spec (a subnet, a security group, a subnet
 * group), with `options` on every EC2, RDS and Aurora resource besides.
 */
export async function withNetwork(spec: PlanSpec, options: Record<string, unknown> = {}): Promise<PlanSpec> {
  const config = seedingClientConfig(spec.primary.accountId, spec.primary.region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  try {
    const subnet = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets![0]!;
    const { SecurityGroups = [] } = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [subnet.VpcId!] }] }),
    );
    const groups = [SecurityGroups[0]!.GroupId!];
    const subnetGroup = `${spec.application}-db-subnets`;
    const { Subnets = [] } = await ec2.send(new DescribeSubnetsCommand({}));
    await rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: subnetGroup,
        DBSubnetGroupDescription: 'the application subnets',
        SubnetIds: Subnets.filter((n) => n.VpcId === subnet.VpcId).map((n) => n.SubnetId!),
      }),
    );
    const db = { dbSubnetGroupName: subnetGroup, vpcSecurityGroupIds: groups, ...options };
    return {
      ...spec,
      resources: (spec.resources ?? []).map((r) =>
        r.kind === 'ec2-instance'
          ? { ...r, options: { subnetId: subnet.SubnetId!, securityGroupIds: groups, ...options } }
          : r.kind === 'rds-instance' || r.kind === 'aurora-cluster'
            ? { ...r, options: db }
            : r,
      ),
    };
  } finally {
    ec2.destroy();
    rds.destroy();
  }
}
