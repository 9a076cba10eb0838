// What mail needs: the templates and message files, and a mailer.

export interface OutgoingMail {
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  readonly replyTo?: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
}

/**
 * One message for many readers, as SES's bulk call takes it: the same subject, HTML and text for all,
 * with each reader's own values at the personal fields, and each reader's own headers.
 */
export interface BulkMail {
  readonly from: string;
  readonly subject: string;
  /** The HTML and the text cut at the personal fields: text at even places, a field's name at odd ones. */
  readonly html: readonly string[];
  readonly text: readonly string[];
  readonly recipients: readonly BulkRecipient[];
}

export interface BulkRecipient {
  readonly to: string;
  /** The reader's value of every field named in the parts (plain text; escaped where it lands). */
  readonly values: Readonly<Record<string, string>>;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

/** What became of one recipient of a bulk mail, in the order given: SES's message id, or why not. */
export type BulkResult = { readonly messageId: string } | { readonly error: Error };

/**
 * Sends one bulk mail in one call. A refusal of the whole call throws (read by kind, as `Mailer.send`'s
 * errors are); a refusal of one recipient is that recipient's result.
 */
export interface BulkMailer {
  sendBulk(mail: BulkMail): Promise<BulkResult[]>;
}

/** Reads templates and message files from `templates/`. */
export interface TemplateSource {
  read(name: string): Promise<string>;
}
