process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:4599';
const { asAccount } = await import('./test/support/aws.ts');
const { createSeededTable } = await import('./test/support/dynamodb.ts');
const { DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
const p = asAccount('111111111111', 'us-east-1');
const w = asAccount('111111111111', 'us-west-2');
try {
  await createSeededTable(p, 'solo-y', 5);
  console.log('solo ok');
} catch (e) {
  console.log('solo fail', (e as Error).message);
}
await createSeededTable(w, 'pair-z', 5);
console.log('west ok');
try {
  await createSeededTable(p, 'pair-z', 5);
  console.log('east ok');
} catch (e) {
  console.log('east fail', (e as Error).message);
  for (const env of [p, w])
    console.log(
      (await env.dynamodb.send(new DescribeTableCommand({ TableName: 'pair-z' }))).Table?.TableStatus,
    );
}
