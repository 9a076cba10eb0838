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

/** Reads templates and message files from `templates/`. */
export interface TemplateSource {
  read(name: string): Promise<string>;
}
