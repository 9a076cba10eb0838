import { Command, CommanderError } from 'commander';
import { publishCommand } from '#cli/publish.ts';
import { quarantineCommand } from '#cli/quarantine.ts';
import { subscribersCommand } from '#cli/subscribers.ts';

const program = new Command('herald')
  .description('Operate Herald: publish documents and manage subscribers on the running stack.')
  .showHelpAfterError()
  .exitOverride()
  .addCommand(publishCommand())
  .addCommand(subscribersCommand())
  .addCommand(quarantineCommand());

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`herald: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
