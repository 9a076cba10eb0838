import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { Command } from 'commander';
import { s3Client } from '#adapters/clients.ts';
import { stackTarget } from '#cli/target.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.json': 'application/json',
};

export function publishCommand(): Command {
  return new Command('publish')
    .description('put documents into the documents bucket; each upload starts the pipeline')
    .argument('<files...>', 'document files (press-release text pages)')
    .option('--key <key>', 'object key under the documents prefix (one file only; default: the file name)')
    .action(async (files: string[], options: { key?: string }) => {
      if (options.key && files.length > 1)
        throw new Error('--key names one object: publish one file with it');
      const target = await stackTarget();
      for (const file of files) {
        const body = await readFile(file).catch((error: NodeJS.ErrnoException) => {
          throw new Error(`cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`);
        });
        const relative = (options.key ?? path.basename(file)).replace(/^\/+/, '');
        const key = relative.startsWith(target.documentsPrefix)
          ? relative
          : `${target.documentsPrefix}${relative}`;
        await s3Client().send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: key,
            Body: body,
            ContentType: CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
          }),
        );
        console.log(`published s3://${target.bucket}/${key} (${body.length} bytes)`);
      }
    });
}
