import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { keepAlive } from './aws/heartbeat.js';

/**
 * Every activity heartbeats while its worker runs it (aws/heartbeat.ts keepAlive), so the heartbeat
 * timeout notices a dead worker and nothing else: a slow AWS call under load (hundreds of resources
 * in flight, the SDK backing off on throttling) no longer makes the server start a second attempt
 * beside a first that is still running.
 */
export const activityKeepAliveInterceptor: ActivityInterceptorsFactory = () => ({
  inbound: {
    execute(input, next) {
      return keepAlive(() => next(input));
    },
  },
});
