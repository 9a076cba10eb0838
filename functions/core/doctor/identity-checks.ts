import type { DoctorAnswers, Failure, IdentityAnswer } from '#core/doctor/answers.ts';
import { type DnsRecord, type DoctorCheck, unanswered } from '#core/doctor/check.ts';

/** The bare address of a From such as `Press Office <news@example.org>`, or undefined if it holds none. */
export function bareAddress(from: string): string | undefined {
  const address = (/<([^<>]*)>\s*$/.exec(from)?.[1] ?? from).trim();
  return /^[^@\s<>]+@[^@\s<>]+\.[^@\s<>.]+$/.test(address) ? address : undefined;
}

/**
 * The identities that may let an address send, most specific first: the address itself, its domain,
 * then each parent domain (SES lets a verified domain's subdomains send).
 */
export function identityCandidates(address: string): string[] {
  const labels = address
    .slice(address.lastIndexOf('@') + 1)
    .toLowerCase()
    .split('.');
  const domains = labels.slice(0, -1).map((_, index) => labels.slice(index).join('.'));
  return [address, ...domains];
}

interface Found {
  readonly name: string;
  readonly value: IdentityAnswer;
}

const isDomain = (name: string) => !name.includes('@');
const domainOf = (name: string) => name.slice(name.lastIndexOf('@') + 1);

/** What the identity answers say: the identity that lets From send, and the one that signs. */
function readIdentities(answers: DoctorAnswers) {
  const found: Found[] = [];
  let failure: Failure | undefined;
  for (const { name, answer } of answers.identities) {
    if ('value' in answer) found.push({ name, value: answer.value });
    else if (answer.failure.kind !== 'not-found') failure ??= answer.failure;
  }
  const sending = found.find((identity) => identity.value.verifiedForSending);
  // DKIM and MAIL FROM belong to a domain: the one that sends if it is a domain, else the most specific.
  const signing =
    (sending && isDomain(sending.name) ? sending : found.find((identity) => isDomain(identity.name))) ??
    sending ??
    found[0];
  return { found, failure, sending, signing };
}

const notChecked = (id: DoctorCheck['id'], title: string, why: string): DoctorCheck => ({
  id,
  title,
  status: 'warn',
  found: `not checked: ${why}`,
  fix: 'fix the From identity first (above)',
});

/** The checks of the From identity: verified for sending, its DKIM, its MAIL FROM. */
export function identityChecks(answers: DoctorAnswers): DoctorCheck[] {
  const title = 'From identity';
  if (!answers.fromAddress) {
    const why = 'no From address is configured (HERALD_FROM_ADDRESS, output FromAddress)';
    return [
      {
        id: 'identity',
        title,
        status: 'warn',
        found: `not checked: ${why}`,
        fix: 'set HERALD_FROM_ADDRESS, or deploy this version (npm run deploy), whose stack outputs FromAddress',
      },
      notChecked('dkim', 'DKIM', why),
      notChecked('mail-from', 'MAIL FROM', why),
    ];
  }
  const address = bareAddress(answers.fromAddress);
  if (!address) {
    const why = 'the From holds no address';
    return [
      {
        id: 'identity',
        title,
        status: 'fail',
        found: `the From "${answers.fromAddress}" holds no address: the senders cannot send`,
        fix: 'set the context fromAddress (HERALD_FROM_ADDRESS) to an address, e.g. "Press Office <news@example.org>"',
      },
      notChecked('dkim', 'DKIM', why),
      notChecked('mail-from', 'MAIL FROM', why),
    ];
  }
  const view = readIdentities(answers);
  return [identityCheck(answers, address, view), dkimCheck(view), mailFromCheck(answers, view)];
}

function identityCheck(
  answers: DoctorAnswers,
  address: string,
  view: ReturnType<typeof readIdentities>,
): DoctorCheck {
  const title = 'From identity';
  const domain = domainOf(address).toLowerCase();
  if (view.sending) {
    const by = view.sending.name === address ? 'the address itself' : view.sending.name;
    return {
      id: 'identity',
      title,
      status: 'ok',
      found: `${address} may send: ${by} is verified in ${answers.region}`,
    };
  }
  if (view.found.length === 0 && view.failure)
    return unanswered('identity', title, view.failure, answers.stack);
  const pending = view.signing;
  if (pending) {
    const status = pending.value.verificationStatus;
    const hasTokens = (pending.value.dkim?.tokens.length ?? 0) > 0;
    return {
      id: 'identity',
      title,
      status: 'fail',
      found: `${address} may not send: ${pending.name} is an identity in ${answers.region} but not verified (${status})`,
      fix: isDomain(pending.name)
        ? hasTokens
          ? 'publish the DKIM CNAMEs listed under DNS records; SES verifies the domain within 72 hours of finding them'
          : `SES console → Configuration → Identities → ${pending.name}: start DKIM verification (Easy DKIM)`
        : `open the link SES mailed to ${pending.name} (aws sesv2 delete-email-identity then create-email-identity sends a new one)`,
    };
  }
  return {
    id: 'identity',
    title,
    status: 'fail',
    found: `${address} may not send: neither it nor ${domain} is an SES identity in ${answers.region}`,
    fix:
      answers.stack === 'local'
        ? `the local SES verifies the domain of HERALD_FROM_ADDRESS and HERALD_SES_VERIFIED_IDENTITIES: add ${domain} there and restart npm start`
        : `verify the domain: context createSesIdentity true and npm run deploy, or SES console → Configuration → Identities → Create identity (domain ${domain}, Easy DKIM), or aws sesv2 create-email-identity --email-identity ${domain}`,
  };
}

function dkimCheck(view: ReturnType<typeof readIdentities>): DoctorCheck {
  const title = 'DKIM';
  const identity = view.signing;
  if (!identity) return notChecked('dkim', title, 'there is no identity of the From');
  const domain = domainOf(identity.name);
  const dkim = identity.value.dkim;
  const status = dkim?.status ?? 'NOT_STARTED';
  if (status === 'SUCCESS')
    return { id: 'dkim', title, status: 'ok', found: `mail is signed for ${domain} (DKIM SUCCESS)` };
  const tokens = dkim?.tokens ?? [];
  if (tokens.length === 0)
    return {
      id: 'dkim',
      title,
      status: 'warn',
      found: `mail is not DKIM-signed for ${domain} (DKIM ${status}): receivers cannot tie it to your domain`,
      fix: `verify ${domain} itself with Easy DKIM: aws sesv2 create-email-identity --email-identity ${domain}`,
    };
  const records: DnsRecord[] = tokens.map((token) => ({
    name: `${token}._domainkey.${domain}`,
    type: 'CNAME',
    value: `${token}.dkim.amazonses.com`,
  }));
  return {
    id: 'dkim',
    title,
    status: 'warn',
    found: `DKIM for ${domain} is ${status}: mail is not signed until SES finds ${records.length} CNAME records`,
    fix: 'publish the CNAMEs listed under DNS records',
    records,
  };
}

function mailFromCheck(answers: DoctorAnswers, view: ReturnType<typeof readIdentities>): DoctorCheck {
  const title = 'MAIL FROM';
  const identity = view.signing;
  if (!identity) return notChecked('mail-from', title, 'there is no identity of the From');
  const domain = domainOf(identity.name);
  const mailFrom = identity.value.mailFrom;
  if (!mailFrom?.domain)
    return {
      id: 'mail-from',
      title,
      status: 'warn',
      found: `${domain} has no custom MAIL FROM: the envelope sender is amazonses.com, so SPF does not align with From`,
      fix: `aws sesv2 put-email-identity-mail-from-attributes --email-identity ${identity.name} --mail-from-domain mail.${domain} --behavior-on-mx-failure USE_DEFAULT_VALUE, then publish its MX and TXT records`,
    };
  if (mailFrom.status === 'SUCCESS')
    return { id: 'mail-from', title, status: 'ok', found: `${mailFrom.domain} (SUCCESS)` };
  const records: DnsRecord[] = [
    { name: mailFrom.domain, type: 'MX', value: `10 feedback-smtp.${answers.region}.amazonses.com` },
    { name: mailFrom.domain, type: 'TXT', value: '"v=spf1 include:amazonses.com ~all"' },
  ];
  const rejects = mailFrom.behaviorOnMxFailure === 'REJECT_MESSAGE';
  if (rejects && mailFrom.status === 'FAILED')
    return {
      id: 'mail-from',
      title,
      status: 'fail',
      found: `${mailFrom.domain} FAILED and is set to reject on MX failure: SES refuses every mail`,
      fix: 'publish the MX and TXT listed under DNS records, or aws sesv2 put-email-identity-mail-from-attributes … --behavior-on-mx-failure USE_DEFAULT_VALUE',
      records,
    };
  return {
    id: 'mail-from',
    title,
    status: 'warn',
    found: `${mailFrom.domain} is ${mailFrom.status}: until SES finds its MX record, ${rejects ? 'SES may refuse mail' : 'mail goes out with an amazonses.com MAIL FROM'}`,
    fix: 'publish the MX and TXT listed under DNS records',
    records,
  };
}
