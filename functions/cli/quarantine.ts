import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { S3Quarantine } from '#adapters/s3-documents.ts';
import { stackTarget } from '#cli/target.ts';

export function quarantineCommand(): Command {
  const quarantine = new Command('quarantine').description('documents that could not become articles');
  quarantine
    .command('list')
    .description('show every quarantined document and why it was rejected')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const target = await stackTarget();
      const entries = await new S3Quarantine(target.bucket, target.documentsPrefix).list();
      if (options.json) {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      if (entries.length === 0) {
        console.log('nothing is quarantined');
        return;
      }
      for (const entry of entries) {
        console.log(
          `${entry.at}  ${entry.key}\n  ${entry.reason}: ${entry.message}\n  kept as ${entry.quarantineKey}` +
            (entry.replaces
              ? `\n  meant to replace ${entry.replaces.articleId} (${entry.replaces.lang}) "${entry.replaces.title}", which stays live`
              : ''),
        );
      }
      console.log(
        `${entries.length} quarantined; "herald quarantine retry KEY [--file FIXED]" ingests one again`,
      );
    });
  quarantine
    .command('retry')
    .description('ingest a quarantined document again, as it is or replaced by a fixed file')
    .argument('<key>', 'its original key or its quarantine key, as "quarantine list" shows them')
    .option('--file <file>', 'the fixed document to publish in its place')
    .action(async (key: string, options: { file?: string }) => {
      const target = await stackTarget();
      const fixed = options.file ? await readFile(options.file) : undefined;
      const { key: published } = await new S3Quarantine(target.bucket, target.documentsPrefix).retry(
        key,
        fixed,
      );
      console.log(`put back as s3://${target.bucket}/${published}: it is being ingested again`);
    });
  return quarantine;
}
