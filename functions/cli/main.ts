import { Command, CommanderError } from 'commander';
import { controlCommands, statusCommand } from '#cli/delivery.ts';
import { digestCommand } from '#cli/digest.ts';
import { previewCommand } from '#cli/preview.ts';
import { publishCommand } from '#cli/publish.ts';
import { quarantineCommand } from '#cli/quarantine.ts';
import { sesEventCommand } from '#cli/ses-event.ts';
import { subscribersCommand } from '#cli/subscribers.ts';

// Handlers run in this process for some commands: keep their JSON logs and metrics off a person's terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

// Output piped into `head` and the like: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('herald')
  .description(
    'Operate Herald: publish documents, manage subscribers, follow and control digests on the running stack.',
  )
  .showHelpAfterError()
  .exitOverride()
  .addCommand(publishCommand())
  .addCommand(subscribersCommand())
  .addCommand(quarantineCommand())
  .addCommand(digestCommand())
  .addCommand(previewCommand())
  .addCommand(sesEventCommand())
  .addCommand(statusCommand());
for (const command of controlCommands()) program.addCommand(command);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`herald: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
