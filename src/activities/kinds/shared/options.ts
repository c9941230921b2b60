import type { ResolvedResource } from '../../../domain/resources.js';

/** Typed reads of a resource's options (validated by the plan-spec schema before they get here). */
export function stringOption(resource: ResolvedResource, key: string): string | undefined {
  const value = resource.options?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

export function stringListOption(resource: ResolvedResource, key: string): string[] | undefined {
  const value = resource.options?.[key];
  return Array.isArray(value) && value.length > 0 ? value.map(String) : undefined;
}

/** DB kinds: the subnet group and security groups for the copy (test copies may use their own). */
export function dbPlacement(resource: ResolvedResource, test: boolean) {
  return {
    subnetGroup:
      (test ? stringOption(resource, 'testDbSubnetGroupName') : undefined) ??
      stringOption(resource, 'dbSubnetGroupName'),
    securityGroupIds: stringListOption(resource, 'vpcSecurityGroupIds'),
    instanceClass: stringOption(resource, 'instanceClass'),
  };
}

/** Where the copy's configuration comes from (docs/decisions/0013-configuration-tables.md). */
export type ConfigurationFrom = 'recovery' | 'primary';

/**
 * The recovery source by default (what ran the application during the DR period); the old primary
 * when the plan spec says so (a pilot-light DR environment ran smaller and with fewer settings).
 */
export function configurationFrom(resource: ResolvedResource): ConfigurationFrom {
  return resource.options?.configurationFrom === 'primary' ? 'primary' : 'recovery';
}
