import { createReadStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { SingleBar } from 'cli-progress';
import { Command, Option } from 'commander';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { dynamoDocumentClient } from '#adapters/clients.ts';
import { migrateSubscriberIds } from '#adapters/dynamodb-id-migration.ts';
import { DynamoSendingSwitch } from '#adapters/dynamodb-sending.ts';
import { DynamoSubscriberStore } from '#adapters/dynamodb-subscribers.ts';
import { DynamoRateLimiter, DynamoSuppressionList } from '#adapters/dynamodb-suppressions.ts';
import { FileTemplateSource } from '#adapters/fs-templates.ts';
import { SesMailer } from '#adapters/ses-mailer.ts';
import { numberIn } from '#cli/numbers.ts';
import { stackTarget } from '#cli/target.ts';
import { isLanguage, LANGUAGES, type Language } from '#core/i18n/languages.ts';
import { MailNotices } from '#core/mail/notices.ts';
import { subscriberIdFor } from '#core/subscriptions/address-hash.ts';
import { suppressAddress } from '#core/subscriptions/lifecycle.ts';
import { addConfirmedSubscriber } from '#core/subscriptions/manage.ts';
import { requestSubscription } from '#core/subscriptions/subscribe.ts';
import { CADENCES, type Cadence, normalizeEmail, type Subscriber } from '#core/subscriptions/subscriber.ts';

/** The subscriber stores of the stack HERALD_STACK names, and the key that makes ids of addresses. */
async function stores() {
  const target = await stackTarget();
  return {
    target,
    addressKey: await target.addressKey(),
    subscribers: new DynamoSubscriberStore(target.table),
    suppressions: new DynamoSuppressionList(target.table),
  };
}

/** Every subscriber, page by page (a scan: this is an operator's tool, not a hot path). */
async function* allSubscribers(table: string): AsyncGenerator<Subscriber> {
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDocumentClient().send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :profile',
        ExpressionAttributeValues: { ':profile': 'PROFILE' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, audience: _a, alsoOriginal: _o, ...subscriber } = item;
      yield subscriber as unknown as Subscriber;
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

export function subscribersCommand(): Command {
  const subscribers = new Command('subscribers').description(
    'manage subscribers (addresses are shown to the operator, never logged)',
  );

  subscribers
    .command('add')
    .description('add a subscriber who consented elsewhere (an operator import)')
    .argument('<email>', 'the address')
    .addOption(new Option('--lang <lang>', 'the reader language').choices(LANGUAGES).makeOptionMandatory())
    .addOption(new Option('--cadence <cadence>', 'when they get mail').choices(CADENCES).default('immediate'))
    .option('--also-original', 'also send articles that have no version in their language, in the original')
    .option('--confirmed', 'you hold their consent: add them confirmed, without a confirmation mail')
    .action(
      async (
        email: string,
        options: { lang: Language; cadence: Cadence; confirmed?: boolean; alsoOriginal?: boolean },
      ) => {
        if (!options.confirmed) {
          throw new Error(
            "only operator imports with consent are supported here: pass --confirmed if you hold the reader's consent",
          );
        }
        const { target: _target, addressKey, ...ports } = await stores();
        const { outcome, subscriber } = await addConfirmedSubscriber(
          ports,
          addressKey,
          {
            email,
            lang: options.lang,
            cadence: options.cadence,
            alsoOriginalLanguage: Boolean(options.alsoOriginal),
            source: 'cli',
          },
          new Date(),
        );
        if (outcome === 'suppressed' || outcome === 'unsubscribed') {
          throw new Error(`this address is ${outcome}: it is not re-added`);
        }
        console.log(`${outcome} ${subscriber!.id} (${subscriber!.lang}, ${subscriber!.cadence}, confirmed)`);
      },
    );

  subscribers
    .command('import')
    .description(
      'import a CSV with a header row: email, language, cadence (optional), consent (yes/no), topics (optional)',
    )
    .argument('<file>', 'the CSV file')
    .option(
      '--confirm-unconsented',
      'rows without consent become pending and get a confirmation mail (at a capped rate)',
    )
    .addOption(
      new Option('--rate <perSecond>', 'confirmation mails per second for unconsented rows')
        .argParser(numberIn(0.1, 50))
        .default(5),
    )
    .option('--report <file>', 'write the rejected rows and their reasons to this CSV file')
    .action(
      async (file: string, options: { confirmUnconsented?: boolean; rate: number; report?: string }) => {
        const { addressKey, target, ...ports } = await stores();
        // Only unconsented rows are mailed: the mail settings are needed only then.
        const mail = options.confirmUnconsented
          ? {
              keys: await target.tokenKeys(),
              publicBaseUrl: target.setting('HERALD_PUBLIC_BASE_URL'),
              mailer: new SesMailer(
                target.kind === 'aws' ? target.setting('HERALD_SES_CONFIGURATION_SET') : undefined,
              ),
            }
          : undefined;
        const notices =
          mail &&
          new MailNotices(new FileTemplateSource(), mail.mailer, {
            from: target.setting('HERALD_FROM_ADDRESS'),
            publisher: process.env.HERALD_PUBLISHER_NAME || 'Herald',
            publicBaseUrl: mail.publicBaseUrl,
            postalAddress: process.env.HERALD_POSTAL_ADDRESS,
            tokenKeys: mail.keys,
          });
        const limits = new DynamoRateLimiter(target.table);
        const delayMs = 1000 / options.rate;
        const rows: Record<string, string>[] = [];
        for await (const row of createReadStream(file).pipe(
          parse({
            columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()),
            skip_empty_lines: true,
            trim: true,
          }),
        )) {
          rows.push(row as Record<string, string>);
        }
        const counts: Record<string, number> = {};
        const rejected: Array<{ line: number; email: string; reason: string }> = [];
        const bar = new SingleBar(
          { format: 'importing [{bar}] {value}/{total} rows', clearOnComplete: false },
          undefined,
        );
        bar.start(rows.length, 0);
        for (const [index, row] of rows.entries()) {
          const line = index + 2;
          const reject = (reason: string) => rejected.push({ line, email: row.email ?? '', reason });
          try {
            const lang = (row.language ?? row.lang ?? '').toLowerCase();
            const cadence = (row.cadence || 'immediate').toLowerCase() as Cadence;
            if (!isLanguage(lang)) reject(`language "${lang}" is not one of ${LANGUAGES.join(', ')}`);
            else if (!CADENCES.includes(cadence))
              reject(`cadence "${cadence}" is not immediate, daily or weekly`);
            else {
              const email = normalizeEmail(row.email ?? '');
              const topics = (row.topics ?? '')
                .split(/[;,]/)
                .map((t) => t.trim().toLowerCase())
                .filter(Boolean);
              if (/^(yes|true|1|y)$/i.test(row.consent ?? '')) {
                const { outcome } = await addConfirmedSubscriber(
                  ports,
                  addressKey,
                  { email, lang, cadence, topics, source: `import ${file}` },
                  new Date(),
                );
                if (outcome === 'suppressed' || outcome === 'unsubscribed')
                  reject(`the address is ${outcome}: not re-added`);
                else counts[outcome] = (counts[outcome] ?? 0) + 1;
              } else if (!mail || !notices) {
                reject(
                  'no consent: pass --confirm-unconsented to send this address a confirmation mail instead',
                );
              } else {
                const outcome = await requestSubscription(
                  { ...ports, limits, notices },
                  {
                    publicBaseUrl: mail.publicBaseUrl,
                    tokenKeys: mail.keys,
                    addressKey,
                    confirmHours: 72,
                    limits: { confirmationsPerMailboxPerDay: 1, confirmationsPerDomainPerHour: 1_000_000 },
                  },
                  { email, lang, cadence, topics, clientAddress: 'operator-import', source: 'api' },
                  new Date(),
                );
                counts[outcome === 'sent' ? 'pending' : outcome] =
                  (counts[outcome === 'sent' ? 'pending' : outcome] ?? 0) + 1;
                if (outcome === 'sent') await new Promise((resolve) => setTimeout(resolve, delayMs));
              }
            }
          } catch (error) {
            reject(error instanceof Error ? error.message : String(error));
          }
          bar.increment();
        }
        bar.stop();
        const summary =
          Object.entries(counts)
            .map(([k, v]) => `${v} ${k}`)
            .join(', ') || 'nothing imported';
        console.log(`${summary}; ${rejected.length} rejected`);
        for (const r of rejected.slice(0, 20)) console.log(`  line ${r.line}: ${r.reason}`);
        if (rejected.length > 20)
          console.log(
            `  … ${rejected.length - 20} more${options.report ? ` in ${options.report}` : ' (use --report FILE)'}`,
          );
        if (options.report)
          await writeFile(options.report, stringify(rejected, { header: true, escape_formulas: true }));
      },
    );

  subscribers
    .command('export')
    .description('write every subscriber as CSV (to a file, or standard output)')
    .option('--out <file>', 'the CSV file to write')
    .action(async (options: { out?: string }) => {
      const { target } = await stores();
      const rows: Array<Record<string, unknown>> = [];
      for await (const s of allSubscribers(target.table)) {
        rows.push({
          email: s.email,
          language: s.lang,
          cadence: s.cadence,
          status: s.status,
          topics: (s.topics ?? []).join(';'),
          consent_at: s.consent?.at ?? '',
          consent_method: s.consent?.method ?? '',
          created_at: s.createdAt,
        });
      }
      // A spreadsheet runs a cell starting with = + - @ as a formula: addresses come from the public.
      const csv = stringify(rows, {
        header: true,
        escape_formulas: true,
        columns: [
          'email',
          'language',
          'cadence',
          'status',
          'topics',
          'consent_at',
          'consent_method',
          'created_at',
        ],
      });
      if (options.out) {
        await writeFile(options.out, csv);
        console.log(`${rows.length} subscribers written to ${options.out}`);
      } else process.stdout.write(csv);
    });

  subscribers
    .command('list')
    .description('list subscribers, filtered')
    .addOption(new Option('--lang <lang>').choices(LANGUAGES))
    .addOption(new Option('--cadence <cadence>').choices(CADENCES))
    .addOption(
      new Option('--status <status>').choices(['pending', 'confirmed', 'unsubscribed', 'suppressed']),
    )
    .action(async (options: { lang?: string; cadence?: string; status?: string }) => {
      const { target } = await stores();
      let count = 0;
      for await (const s of allSubscribers(target.table)) {
        if (
          (options.lang && s.lang !== options.lang) ||
          (options.cadence && s.cadence !== options.cadence) ||
          (options.status && s.status !== options.status)
        )
          continue;
        console.log(`${s.id}  ${s.status.padEnd(12)} ${s.lang}  ${s.cadence.padEnd(9)} ${s.email}`);
        count++;
      }
      console.log(`${count} subscribers`);
    });

  subscribers
    .command('remove')
    .description('delete a subscriber (they may subscribe again; use "suppress" to prevent that)')
    .argument('<email>')
    .action(async (email: string) => {
      const ports = await stores();
      const id = subscriberIdFor(ports.addressKey, normalizeEmail(email));
      if (!(await ports.subscribers.get(id))) throw new Error('no subscriber has this address');
      await ports.subscribers.delete(id);
      console.log(`removed ${id}`);
    });

  subscribers
    .command('migrate-ids')
    .description(
      'once, after upgrading from a version whose subscriber ids were plain hashes of addresses: give every subscriber its keyed id (old links keep working)',
    )
    .action(async () => {
      const { target, addressKey } = await stores();
      const { table } = target;
      const sending = await new DynamoSendingSwitch(table).get();
      if (sending.on)
        throw new Error(
          'turn sending off first ("herald sending off"), so no send job is in flight, then on again',
        );
      const bar = new SingleBar({ format: 'moving [{bar}] {value}/{total} subscribers' }, undefined);
      let started = false;
      const report = await migrateSubscriberIds(table, addressKey, (done, total) => {
        if (!started) bar.start(total, 0);
        started = true;
        bar.update(done);
      });
      if (started) bar.stop();
      console.log(
        `${report.subscribers} subscribers moved to keyed ids, ${report.ledgerRows} send-ledger rows and ${report.receipts} receipts with them`,
      );
    });

  subscribers
    .command('suppress')
    .description('never mail this address again, whatever path it comes back through')
    .argument('<email>')
    .action(async (email: string) => {
      const { target: _target, addressKey, ...ports } = await stores();
      const subscriber = await suppressAddress(ports, addressKey, email, 'operator', new Date());
      console.log(
        `suppressed${subscriber ? ` ${subscriber.id}` : ' (no subscriber had this address; it is blocked all the same)'}`,
      );
    });

  return subscribers;
}
