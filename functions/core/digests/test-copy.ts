import { personalize } from '#core/digests/personalize.ts';
import type { DigestStore } from '#core/digests/ports.ts';
import type { Mailer } from '#core/mail/ports.ts';
import { pageUrl } from '#core/pages/urls.ts';

/**
 * Sends one copy of a digest to an operator's address before it goes out: the same mail, marked as a
 * test in the subject, its personal links pointing at the digest's web version (the address is no
 * subscriber). The digest counts its test copies; the address is not kept.
 */
export async function sendTestCopy(
  ports: { digests: Pick<DigestStore, 'getRecord' | 'loadRendered' | 'countTestCopy'>; mailer: Mailer },
  settings: { from: string; publicBaseUrl: string },
  digestId: string,
  to: string,
  now: Date,
): Promise<{ messageId: string }> {
  const record = await ports.digests.getRecord(digestId);
  if (!record) throw new Error(`there is no digest ${digestId}`);
  const rendered = await ports.digests.loadRendered(digestId);
  const webVersion = pageUrl(settings.publicBaseUrl, `digests/${digestId}`);
  const mail = personalize(rendered, { unsubscribeUrl: webVersion, preferencesUrl: webVersion });
  const sent = await ports.mailer.send({
    from: settings.from,
    to,
    subject: `[Test] ${mail.subject}`,
    html: mail.html,
    text: mail.text,
    headers: [{ name: 'X-Herald-Test-Copy', value: digestId }],
  });
  await ports.digests.countTestCopy(digestId, now);
  return sent;
}
