import { Command, CommanderError } from 'commander';
import { digestCommand } from '#cli/digest.ts';
import { previewCommand } from '#cli/preview.ts';
import { publishCommand } from '#cli/publish.ts';
import { quarantineCommand } from '#cli/quarantine.ts';
import { sesEventCommand } from '#cli/ses-event.ts';
import { subscribersCommand } from '#cli/subscribers.ts';

// Handlers run in this process for some commands: keep their JSON logs and metrics off a person's terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

const program = new Command('herald')
  .description('Operate Herald: publish documents and manage subscribers on the running stack.')
  .showHelpAfterError()
  .exitOverride()
  .addCommand(publishCommand())
  .addCommand(subscribersCommand())
  .addCommand(quarantineCommand())
  .addCommand(digestCommand())
  .addCommand(previewCommand())
  .addCommand(sesEventCommand());

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`herald: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
