/** `npm run emulator`: the AWS emulator alone, in the foreground, until Ctrl-C. */
import { startEmulator } from './stack/emulator.js';
import { step } from './stack/log.js';

async function main(): Promise<void> {
  const emulator = await startEmulator({
    port: Number(process.env.AWS_EMULATOR_PORT || 4566),
    foreground: true,
  });
  process.stdout.write(`AWS emulator ready at ${emulator.endpoint}. Press Ctrl-C to stop.\n`);
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
