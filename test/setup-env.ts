import { inject } from 'vitest';
import { DefaultLogger, Runtime } from '@temporalio/worker';

// Every AWS SDK client in the test process (product code and seeders) talks to the emulator.
process.env.AWS_ENDPOINT_URL = inject('awsEndpoint');
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
// The emulator's `fast` profile runs AWS's durations at about 1/1000: poll on that scale (polling.ts).
process.env.FAILBACK_TIME_SCALE ??= '0.001';

// The SDK logs every worker state change at INFO; tests want only what went wrong.
Runtime.install({ logger: new DefaultLogger('WARN') });
