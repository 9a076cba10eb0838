import type { SesAccount } from '#local/ses-account.ts';
import type { SesRefusal } from '#local/ses-front-rules.ts';

const ACCOUNT_ID = '000000000000';

/** An answer of the front's own: a JSON body with a status, or a refusal. */
export type ReadAnswer = { readonly status: 200; readonly body: unknown } | SesRefusal;

const notFound = (message: string): SesRefusal => ({ status: 404, code: 'NotFoundException', message });

/**
 * The read operations an operator's checks call (`herald doctor`), answered as SES answers them for
 * the local account: GetAccount, GetEmailIdentity, GetConfigurationSet and
 * GetConfigurationSetEventDestinations. Anything else is not the front's (undefined).
 */
export function answerRead(
  method: string,
  pathname: string,
  account: SesAccount,
  sentLast24Hours: number,
): ReadAnswer | undefined {
  if (method !== 'GET') return undefined;
  if (pathname === '/v2/email/account') return { status: 200, body: getAccount(account, sentLast24Hours) };
  const identity = /^\/v2\/email\/identities\/([^/]+)$/.exec(pathname);
  if (identity) return getEmailIdentity(account, decode(identity[1]!));
  const set = /^\/v2\/email\/configuration-sets\/([^/]+)(\/event-destinations)?$/.exec(pathname);
  if (set) {
    const name = decode(set[1]!);
    if (!account.configurationSets.includes(name))
      return notFound(`Configuration set ${name} does not exist.`);
    return { status: 200, body: set[2] ? eventDestinations(account) : configurationSet(name) };
  }
  return undefined;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function getAccount(account: SesAccount, sentLast24Hours: number) {
  return {
    DedicatedIpAutoWarmupEnabled: false,
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: !account.sandbox,
    SendingEnabled: true,
    SendQuota: {
      Max24HourSend: account.max24HourSend,
      MaxSendRate: account.maxSendRate,
      SentLast24Hours: sentLast24Hours,
    },
    SuppressionAttributes: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
  };
}

function getEmailIdentity(account: SesAccount, name: string): ReadAnswer {
  const identity = name.toLowerCase();
  if (!account.verifiedIdentities.includes(identity))
    return notFound(`Email identity ${name} does not exist.`);
  const domain = identity.slice(identity.lastIndexOf('@') + 1);
  const isDomain = !identity.includes('@');
  return {
    status: 200,
    body: {
      IdentityType: isDomain ? 'DOMAIN' : 'EMAIL_ADDRESS',
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: true,
      VerificationStatus: 'SUCCESS',
      DkimAttributes: {
        SigningEnabled: true,
        Status: 'SUCCESS',
        SigningAttributesOrigin: 'AWS_SES',
        CurrentSigningKeyLength: 'RSA_2048_BIT',
        NextSigningKeyLength: 'RSA_2048_BIT',
        Tokens: isDomain ? ['herald1local', 'herald2local', 'herald3local'] : [],
      },
      MailFromAttributes: {
        MailFromDomain: `mail.${domain}`,
        MailFromDomainStatus: 'SUCCESS',
        BehaviorOnMxFailure: 'USE_DEFAULT_VALUE',
      },
      Policies: {},
      Tags: [],
    },
  };
}

function configurationSet(name: string) {
  return {
    ConfigurationSetName: name,
    DeliveryOptions: { TlsPolicy: 'REQUIRE' },
    ReputationOptions: { ReputationMetricsEnabled: true },
    SendingOptions: { SendingEnabled: true },
    SuppressionOptions: { SuppressedReasons: ['BOUNCE', 'COMPLAINT'] },
    Tags: [],
  };
}

/** The destination Herald's CDK gives its configuration set: bounces and complaints to EventBridge. */
function eventDestinations(account: SesAccount) {
  return {
    EventDestinations: [
      {
        Name: 'ToEventBridge',
        Enabled: true,
        MatchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        EventBridgeDestination: {
          EventBusArn: `arn:aws:events:${account.region}:${ACCOUNT_ID}:event-bus/default`,
        },
      },
    ],
  };
}
