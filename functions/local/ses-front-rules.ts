import addressparser from 'nodemailer/lib/addressparser';
import type { SesAccount } from '#local/ses-account.ts';

/** How the front refuses a call: as SES v2 does (REST-JSON: `x-amzn-ErrorType` and `{"message"}`). */
export interface SesRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What SES v2 SendEmail carries, as far as its rules look (the JSON body of POST /v2/email/outbound-emails). */
export interface SendEmailBody {
  readonly FromEmailAddress?: unknown;
  readonly Destination?: { ToAddresses?: unknown; CcAddresses?: unknown; BccAddresses?: unknown };
  readonly ReplyToAddresses?: unknown;
  readonly ConfigurationSetName?: unknown;
  readonly Content?: {
    Simple?: {
      Subject?: { Data?: unknown };
      Body?: { Html?: { Data?: unknown }; Text?: { Data?: unknown } };
      Headers?: unknown;
      Attachments?: unknown;
    };
    Raw?: { Data?: unknown };
    Template?: unknown;
  };
}

/** SES API v2: 40 MB a message, MIME-encoded (the v1 API's 10 MB does not apply). */
export const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;
/** To, Cc and Bcc together. */
export const MAX_RECIPIENTS = 50;

/** RFC 5322 §3.6 (and MIME's own) fields a message holds at most once. */
const SINGLE_FIELDS = [
  'Date',
  'From',
  'Sender',
  'Reply-To',
  'To',
  'Cc',
  'Bcc',
  'Message-ID',
  'In-Reply-To',
  'References',
  'Subject',
  'MIME-Version',
  'Content-Type',
  'Content-Transfer-Encoding',
];
const SINGLE = new Map(SINGLE_FIELDS.map((name) => [name.toLowerCase(), name]));
/**
 * Fields SES writes itself into a Simple message from the request: a custom header of the same name
 * repeats one. (Date and Message-ID SES sets too, but replaces a custom one rather than refusing it.)
 */
const WRITTEN_BY_SES = ['from', 'to', 'subject', 'mime-version', 'content-type'];

const SIMULATOR = /^(success|bounce|complaint|suppressionlist|ooto)(\+[^@]*)?@simulator\.amazonses\.com$/i;

/** What the mailbox simulator does with mail to this address, if it is one of its addresses. */
export function simulatorScenario(address: string) {
  return SIMULATOR.exec(address)?.[1]?.toLowerCase() as
    | 'success'
    | 'bounce'
    | 'complaint'
    | 'suppressionlist'
    | 'ooto'
    | undefined;
}

const badRequest = (message: string): SesRefusal => ({ status: 400, code: 'BadRequestException', message });
const rejected = (message: string): SesRefusal => ({ status: 400, code: 'MessageRejected', message });

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

/** The bare address of a mailbox (`Name <a@b>` → `a@b`), lower case; undefined when there is none. */
export function bareAddress(mailbox: string): string | undefined {
  const parsed = addressparser(mailbox, { flatten: true });
  const address = parsed.length === 1 ? parsed[0]?.address : undefined;
  return address?.includes('@') ? address.toLowerCase() : undefined;
}

/** Is this address (or its domain) a verified identity of the account? */
export function isVerified(account: Pick<SesAccount, 'verifiedIdentities'>, address: string): boolean {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return account.verifiedIdentities.includes(address) || account.verifiedIdentities.includes(domain);
}

/** The recipients of a SendEmail call: To, Cc and Bcc, as given. */
export function recipientsOf(body: SendEmailBody): string[] {
  return [
    ...list(body.Destination?.ToAddresses),
    ...list(body.Destination?.CcAddresses),
    ...list(body.Destination?.BccAddresses),
  ];
}

/** What SES v2 SendBulkEmail carries, as far as its rules look (POST /v2/email/outbound-bulk-emails). */
export interface SendBulkEmailBody {
  readonly FromEmailAddress?: unknown;
  readonly ReplyToAddresses?: unknown;
  readonly ConfigurationSetName?: unknown;
  readonly DefaultContent?: {
    Template?: {
      TemplateName?: unknown;
      TemplateContent?: { Subject?: unknown; Html?: unknown; Text?: unknown };
      Headers?: unknown;
    };
  };
  readonly BulkEmailEntries?: unknown;
}

/** One bulk entry as the front reads it. */
export interface BulkEntry {
  readonly Destination?: SendEmailBody['Destination'];
  readonly ReplacementHeaders?: unknown;
}

/** SendBulkEmail: at most this many entries a call. */
export const MAX_BULK_ENTRIES = 50;

/** A bulk entry SES will not send, with the status and error it reports for it. */
export interface EntryRefusal {
  readonly Status: 'MESSAGE_REJECTED' | 'INVALID_PARAMETER';
  readonly Error: string;
}

const notVerified = (account: SesAccount, identities: readonly string[]) =>
  `Email address is not verified. The following identities failed the check in region ${account.region.toUpperCase()}: ${identities.join(', ')}`;

/**
 * The checks SES v2 makes of a SendBulkEmail call: the call as a whole (the From, 1 to 50 entries, an
 * inline template with a subject and a body, the configuration set, the size, the From's identity) —
 * refused whole, as SendEmail is — and then each entry (its addresses and headers, and in the sandbox
 * its recipients), refused one by one in the entry's result. Throttling is the caller's.
 */
export function checkSendBulkEmail(
  body: SendBulkEmailBody,
  account: SesAccount,
): { refusal: SesRefusal } | { entries: Array<EntryRefusal | undefined> } {
  const from = typeof body.FromEmailAddress === 'string' ? body.FromEmailAddress : undefined;
  for (const mailbox of [...(from ? [from] : []), ...list(body.ReplyToAddresses)]) {
    if (!/^[\x20-\x7e]*$/.test(mailbox)) return { refusal: badRequest('Illegal address') };
    if (!bareAddress(mailbox)) return { refusal: badRequest(`Missing final '@domain'`) };
  }
  if (!from) return { refusal: badRequest('FromEmailAddress is required.') };
  const entries = Array.isArray(body.BulkEmailEntries) ? (body.BulkEmailEntries as BulkEntry[]) : [];
  if (entries.length === 0 || entries.length > MAX_BULK_ENTRIES)
    return { refusal: badRequest(`BulkEmailEntries must hold 1 to ${MAX_BULK_ENTRIES} entries.`) };
  const template = body.DefaultContent?.Template;
  const content = template?.TemplateContent;
  if (!content && typeof template?.TemplateName !== 'string')
    return { refusal: badRequest('DefaultContent needs a Template: a TemplateName or a TemplateContent.') };
  if (
    content &&
    (typeof content.Subject !== 'string' ||
      (typeof content.Html !== 'string' && typeof content.Text !== 'string'))
  )
    return { refusal: badRequest('A template needs a subject and an HTML or text part.') };
  const templateHeaders = checkSimpleHeaders(template?.Headers, list(body.ReplyToAddresses).length > 0);
  if (templateHeaders) return { refusal: templateHeaders };

  const set = body.ConfigurationSetName;
  if (typeof set === 'string' && set !== '' && !account.configurationSets.includes(set))
    return {
      refusal: {
        status: 404,
        code: 'NotFoundException',
        message: `Configuration set ${set} does not exist.`,
      },
    };
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const size = bytes(content?.Subject) + Math.ceil((bytes(content?.Html) + bytes(content?.Text)) / 3) * 4;
  if (size > MAX_MESSAGE_BYTES)
    return { refusal: rejected(`Message length is more than ${MAX_MESSAGE_BYTES} bytes long: '${size}'.`) };
  const fromAddress = bareAddress(from)!;
  if (!isVerified(account, fromAddress)) return { refusal: rejected(notVerified(account, [fromAddress])) };
  return {
    entries: entries.map((entry): EntryRefusal | undefined => {
      const recipients = recipientsOf({ Destination: entry?.Destination });
      if (recipients.length === 0 || recipients.length > MAX_RECIPIENTS)
        return { Status: 'INVALID_PARAMETER', Error: `An entry has 1 to ${MAX_RECIPIENTS} recipients.` };
      for (const mailbox of recipients)
        if (!/^[\x20-\x7e]*$/.test(mailbox) || !bareAddress(mailbox))
          return { Status: 'MESSAGE_REJECTED', Error: 'Illegal address' };
      const headers = checkSimpleHeaders(entry.ReplacementHeaders, false);
      if (headers) return { Status: 'INVALID_PARAMETER', Error: headers.message };
      if (!account.sandbox) return undefined;
      const unverified = recipients
        .map((recipient) => bareAddress(recipient)!)
        .filter((address) => !simulatorScenario(address) && !isVerified(account, address));
      return unverified.length > 0
        ? { Status: 'MESSAGE_REJECTED', Error: notVerified(account, unverified) }
        : undefined;
    }),
  };
}

/**
 * The checks SES v2 makes of a SendEmail call before it takes it, in SES's order as far as it shows:
 * the request itself (addresses 7-bit, at most 50 recipients, headers printable ASCII and single ones
 * once), the configuration set, the size, then the identities (From, and in the sandbox every
 * recipient). Throttling is the caller's (it depends on time).
 */
export function checkSendEmail(body: SendEmailBody, account: SesAccount): SesRefusal | undefined {
  const from = typeof body.FromEmailAddress === 'string' ? body.FromEmailAddress : undefined;
  const recipients = recipientsOf(body);
  const replyTo = list(body.ReplyToAddresses);

  // SES takes no SMTPUTF8: every address, display name included, is 7-bit (a name RFC 2047-encoded).
  for (const mailbox of [...(from ? [from] : []), ...recipients, ...replyTo]) {
    if (!/^[\x20-\x7e]*$/.test(mailbox)) return badRequest('Illegal address');
    if (!bareAddress(mailbox)) return badRequest(`Missing final '@domain'`);
  }
  if (recipients.length > MAX_RECIPIENTS) return badRequest(`Recipient count exceeds ${MAX_RECIPIENTS}.`);

  const simple = body.Content?.Simple;
  if (simple) {
    const refused = checkSimpleHeaders(simple.Headers, replyTo.length > 0);
    if (refused) return refused;
  }
  const raw =
    typeof body.Content?.Raw?.Data === 'string' ? Buffer.from(body.Content.Raw.Data, 'base64') : undefined;
  if (raw) {
    const refused = checkRawHeaders(raw);
    if (refused) return refused;
  }

  const set = body.ConfigurationSetName;
  if (typeof set === 'string' && set !== '' && !account.configurationSets.includes(set))
    return { status: 404, code: 'NotFoundException', message: `Configuration set ${set} does not exist.` };

  const size = raw ? raw.length : simple ? simpleSize(simple) : 0;
  if (size > MAX_MESSAGE_BYTES)
    return rejected(`Message length is more than ${MAX_MESSAGE_BYTES} bytes long: '${size}'.`);

  const failed: string[] = [];
  const fromAddress = from ? bareAddress(from) : raw ? bareAddress(rawHeader(raw, 'from') ?? '') : undefined;
  if (fromAddress && !isVerified(account, fromAddress)) failed.push(fromAddress);
  if (account.sandbox)
    for (const recipient of recipients) {
      const address = bareAddress(recipient)!;
      if (!simulatorScenario(address) && !isVerified(account, address) && !failed.includes(address))
        failed.push(address);
    }
  if (failed.length > 0)
    return rejected(
      `Email address is not verified. The following identities failed the check in region ${account.region.toUpperCase()}: ${failed.join(', ')}`,
    );
  return undefined;
}

/** A Simple message's custom headers: SES v2's patterns, and no field SES writes (or a single one) twice. */
function checkSimpleHeaders(headers: unknown, hasReplyTo: boolean): SesRefusal | undefined {
  if (headers === undefined) return undefined;
  if (!Array.isArray(headers)) return badRequest('Headers must be a list of {Name, Value}.');
  const seen = new Set([...WRITTEN_BY_SES, ...(hasReplyTo ? ['reply-to'] : [])]);
  for (const header of headers as Array<{ Name?: unknown; Value?: unknown }>) {
    const name = typeof header?.Name === 'string' ? header.Name : '';
    const value = typeof header?.Value === 'string' ? header.Value : '';
    if (!/^[!-9;-@A-~]{1,126}$/.test(name))
      return badRequest(
        `Invalid header name '${printable(name)}': a header name is 1 to 126 printable ASCII characters, without a colon.`,
      );
    if (!/^[ -~]{1,870}$/.test(value))
      return badRequest(
        `Invalid value for header '${name}': a header value is 1 to 870 printable ASCII characters (RFC 2047-encode other text).`,
      );
    const key = name.toLowerCase();
    if (SINGLE.has(key) || WRITTEN_BY_SES.includes(key)) {
      if (seen.has(key)) return badRequest(`Duplicate header '${SINGLE.get(key) ?? name}'.`);
      seen.add(key);
    }
  }
  return undefined;
}

/** A raw message's header section: 7-bit, and each single field once. */
function checkRawHeaders(raw: Buffer): SesRefusal | undefined {
  const section = headerSection(raw);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: 8-bit bytes are what is looked for.
  if (/[^\x00-\x7f]/.test(section.toString('latin1')))
    return badRequest('Illegal header: 8-bit characters are not allowed in headers (RFC 2047-encode them).');
  const seen = new Set<string>();
  for (const line of unfold(section)) {
    const key = line.slice(0, line.indexOf(':')).trim().toLowerCase();
    if (!SINGLE.has(key)) continue;
    if (seen.has(key)) return badRequest(`Duplicate header '${SINGLE.get(key)}'.`);
    seen.add(key);
  }
  return undefined;
}

function headerSection(raw: Buffer): Buffer {
  const end = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const cut = end >= 0 && (lf < 0 || end < lf) ? end : lf;
  return cut >= 0 ? raw.subarray(0, cut) : raw;
}

function unfold(section: Buffer): string[] {
  return section
    .toString('latin1')
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .filter((line) => line.includes(':'));
}

function rawHeader(raw: Buffer, name: string): string | undefined {
  const line = unfold(headerSection(raw)).find(
    (l) => l.slice(0, l.indexOf(':')).trim().toLowerCase() === name,
  );
  return line?.slice(line.indexOf(':') + 1).trim();
}

/** About the size SES's MIME encoding gives a Simple message: its parts base64-encoded, and its headers. */
function simpleSize(simple: NonNullable<NonNullable<SendEmailBody['Content']>['Simple']>): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value) : 0);
  const base64 = (n: number) => Math.ceil(n / 3) * 4;
  let size =
    bytes(simple.Subject?.Data) +
    base64(bytes(simple.Body?.Html?.Data)) +
    base64(bytes(simple.Body?.Text?.Data));
  for (const header of Array.isArray(simple.Headers)
    ? (simple.Headers as Array<{ Name?: unknown; Value?: unknown }>)
    : [])
    size += bytes(header?.Name) + bytes(header?.Value) + 4;
  // RawContent is a blob: base64 in the JSON, as it will be in the message.
  for (const attachment of Array.isArray(simple.Attachments)
    ? (simple.Attachments as Array<{ RawContent?: unknown }>)
    : [])
    size += bytes(attachment?.RawContent);
  return size;
}

const printable = (text: string) => text.replace(/[^\x20-\x7e]/g, '?');
