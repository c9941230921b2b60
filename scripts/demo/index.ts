/**
 * `npm run demo [-- --yes]`: the failback of a seeded application, end to end, against the service
 * `npm start` runs (or one it starts for the demo). See README.md, "Try it: `npm run demo`".
 */
import { Command, InvalidArgumentError } from 'commander';
import { connect } from './connection.js';
import { runDemo } from './run.js';

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 1_000_000)
    throw new InvalidArgumentError('a whole number up to 1,000,000');
  return n;
}

const program = new Command('npm run demo --')
  .description('Seed an application that failed over into the AWS emulator and fail it back, step by step.')
  .option(
    '-y, --yes',
    'approve every gate and confirm the DNS cutover as the demo operator, without asking',
    false,
  )
  .option('--orders <n>', 'items in the orders table', count, 10_000)
  .option(
    '--later-items <n>',
    'items the application writes into each recovery table before the window',
    count,
    200,
  )
  .option('--no-start', 'do not start the service when no `npm start` is running: fail instead')
  .option('--poll-ms <ms>', 'how often the progress is read from the API', count, 500)
  .parse();

const options = program.opts<{
  yes: boolean;
  orders: number;
  laterItems: number;
  start: boolean;
  pollMs: number;
}>();
const say = (message: string) => process.stdout.write(`${message}\n`);

let stopStack: (() => Promise<void>) | undefined;
let exitCode = 1;
try {
  const connection = await connect(options.start, say);
  stopStack = connection.stop;
  say(`Using the API at ${connection.apiUrl}`);
  exitCode = await runDemo(connection, {
    yes: options.yes,
    orders: options.orders,
    laterItems: options.laterItems,
    pollMs: options.pollMs,
    input: process.stdin,
    output: process.stdout,
  });
} catch (error) {
  process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
} finally {
  if (stopStack) {
    say('Stopping the service the demo started…');
    await stopStack();
  }
}
process.exit(exitCode);
