/** `npm run emulator -- [--profile fast|realistic|demo|<file>] [--port n] [--scale x] [--seed s]`:
 * the AWS emulator alone, in the foreground, until Ctrl-C. */
import { Command } from 'commander';
import { startEmulator } from './stack/emulator.js';
import { step } from './stack/log.js';

interface Options {
  profile: string;
  port: string;
  scale?: string;
  seed?: string;
}

async function main(): Promise<void> {
  const options = new Command('emulator')
    .description('Start the AWS emulator (moto plus the failback fidelity layer) on 127.0.0.1')
    .option(
      '--profile <name|file>',
      'timing profile: fast, realistic, demo or a JSON file',
      process.env.FAILBACK_EMULATOR_PROFILE || 'fast',
    )
    .option('--port <port>', 'port on 127.0.0.1', process.env.AWS_EMULATOR_PORT || '4566')
    .option('--scale <factor>', "multiply the profile's AWS-like durations (realistic: 1/600)")
    .option('--seed <seed>', 'seed of the fault decisions')
    .parse()
    .opts<Options>();
  const emulator = await startEmulator({
    port: Number(options.port),
    profile: options.profile,
    ...(options.scale ? { scale: Number(options.scale) } : {}),
    ...(options.seed ? { seed: options.seed } : {}),
    foreground: true,
  });
  process.stdout.write(
    `AWS emulator ready at ${emulator.endpoint} (profile ${options.profile}; admin API ${emulator.endpoint}/_emulator/). Press Ctrl-C to stop.\n`,
  );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => void emulator.stop().then(() => process.exit(0)));
  }
  const code = await emulator.process.exited;
  step(`emulator exited (${code})`);
  process.exit(typeof code === 'number' ? code : 1);
}

main().catch((error: unknown) => {
  step(`emulator failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
