import { Command, CommanderError } from 'commander';
import { controlCommands, statusCommand } from '#cli/delivery.ts';
import { digestCommand } from '#cli/digest.ts';
import { doctorCommand } from '#cli/doctor.ts';
import { previewCommand } from '#cli/preview.ts';
import { publishCommand } from '#cli/publish.ts';
import { quarantineCommand } from '#cli/quarantine.ts';
import { sesEventCommand } from '#cli/ses-event.ts';
import { subscribersCommand } from '#cli/subscribers.ts';
import { STACK_HELP, STACK_HINT } from '#cli/target.ts';
import manifest from '../../package.json' with { type: 'json' };

// Handlers run in this process for some commands: keep their JSON logs and metrics off a person's terminal.
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// The SDK's notice that its releases from 2027 need Node 22 is for whoever upgrades it (see the README), not for
// an operator running a command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Output piped into `head` and the like: a closed pipe ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command('herald')
  .description(
    'Operate Herald: publish documents, manage subscribers, follow and control digests on the running stack.',
  )
  .version(manifest.version, '-V, --version', "print Herald's version")
  .addHelpText('after', STACK_HELP)
  .showHelpAfterError()
  .exitOverride()
  .addCommand(publishCommand())
  .addCommand(subscribersCommand())
  .addCommand(quarantineCommand())
  .addCommand(digestCommand())
  .addCommand(previewCommand())
  .addCommand(sesEventCommand())
  .addCommand(statusCommand())
  .addCommand(doctorCommand());
for (const command of controlCommands()) program.addCommand(command);
// Every command that reads or writes state says where (preview needs no stack; ses-event is local only).
const withState = (command: Command): void => {
  if (command.name() === 'preview' || command.name() === 'ses-event') return;
  if (command.commands.length === 0) command.addHelpText('after', STACK_HINT);
  for (const sub of command.commands) withState(sub);
};
for (const command of program.commands) withState(command);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  console.error(`herald: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
