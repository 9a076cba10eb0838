import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { addReader, mailTo, useLocalStack, waitFor } from '../support/local-stack.ts';

const run = promisify(execFile);
const sample = fileURLToPath(new URL('../../samples/press-release-en.txt', import.meta.url));

/** The README's walkthrough uses the AWS CLI; .ci/run installs it from Debian. Elsewhere this is skipped. */
const hasAwsCli = await run('aws', ['--version']).then(
  () => true,
  () => false,
);
if (!hasAwsCli) console.info('AWS CLI test skipped: no `aws` on PATH (apt-get install awscli)');

const local = useLocalStack();

describe('the AWS CLI against the local endpoints', () => {
  it.skipIf(!hasAwsCli)(
    '(needs the aws command) copies the sample page into the bucket and the digest goes out',
    async () => {
      const { endpoints, bucket, documentsPrefix, credentials, region } = local.stack.config;
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
        AWS_DEFAULT_REGION: region,
        AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
      };
      await addReader(local.stack, 'cli-reader@example.org', 'en');
      await run(
        'aws',
        [
          '--endpoint-url',
          endpoints.s3,
          's3',
          'cp',
          sample,
          `s3://${bucket}/${documentsPrefix}sample page.txt`,
        ],
        { env },
      );
      const listing = await run(
        'aws',
        ['--endpoint-url', endpoints.s3, 's3', 'ls', `s3://${bucket}/${documentsPrefix}`],
        { env },
      );
      expect(listing.stdout).toContain('sample page.txt');
      const [mail] = await waitFor('the digest of the page copied with the AWS CLI', async () => {
        const mails = await mailTo(local.stack, 'cli-reader@example.org');
        return mails.length > 0 && mails;
      });
      expect(mail!.subject).toBe(
        'Foreign Minister Meets Delegation of Pacific Island States on Ocean Cooperation',
      );
    },
  );
});
