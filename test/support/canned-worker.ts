import { appendFileSync } from 'node:fs';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ActivityControl } from './activity-control.js';
import { fakeActivities } from './fake-activities.js';

/**
 * A worker of the product's workflows with canned activities in a process of its own, so a test can
 * kill it with SIGKILL and start another (canned-worker-process.ts). Every activity event is appended
 * to FAILBACK_TEST_EVENTS as a JSON line (with this process's pid), so the test sees what each worker
 * did after it died; FAILBACK_TEST_HOLD=<planId>|<activity> holds that activity's first call mid-flight.
 */
const required = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const eventsFile = required('FAILBACK_TEST_EVENTS');
const control = new ActivityControl((event) =>
  appendFileSync(eventsFile, `${JSON.stringify({ ...event, pid: process.pid })}\n`),
);
const [holdPlan, holdActivity] = (process.env.FAILBACK_TEST_HOLD ?? '').split('|');
if (holdPlan && holdActivity) void control.hold(holdPlan, holdActivity);

const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
const worker = await Worker.create({
  connection,
  namespace: required('TEMPORAL_NAMESPACE'),
  taskQueue: required('FAILBACK_TASK_QUEUE'),
  workflowBundle: { codePath: required('FAILBACK_WORKFLOW_BUNDLE') },
  activities: control.wrap(fakeActivities().activities),
});
const running = worker.run();
console.log('canned worker started');
process.once('SIGTERM', () => worker.shutdown());
await running;
await connection.close();
