import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { tagValue } from '../../aws/tags.js';
import { TAG_PLAN_ID } from '../../../domain/contract.js';
import type { DiscoveredResource } from '../resource-kind.js';
import { call } from './calls.js';
import { describeTable, tableTags } from './tables.js';

/** Tables in recovery carrying every tag of the selector (not the plans' own copies). */
export async function resolveSelection(
  recovery: AwsEnvironment,
  tags: Record<string, string>,
): Promise<DiscoveredResource[]> {
  const found: DiscoveredResource[] = [];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await call(recovery, 'ListTables', () =>
      recovery.dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName })),
    );
    for (const name of page.TableNames ?? []) {
      const table = await describeTable(recovery, name);
      if (!table?.TableArn) continue;
      const tableTagList = await tableTags(recovery, table.TableArn);
      if (tagValue(tableTagList, TAG_PLAN_ID) !== undefined) continue;
      if (Object.entries(tags).every(([k, v]) => tagValue(tableTagList, k) === v)) {
        found.push({ source: name, target: name, sourceDetails: { itemCount: table.ItemCount ?? 0 } });
      }
    }
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
  return found;
}
