/**
 * What `herald doctor` asked the deployment, and what it was told: the answers of SES, Secrets Manager
 * and the stacks, in Herald's own shapes (the core never sees an SDK type). The checks are made from
 * these alone, so every answer an operator may meet can be tried without AWS.
 */

/** Why an answer is missing. */
export interface Failure {
  /**
   * `not-found`: the thing does not exist; `denied`: this identity may not ask; `unanswered`: no answer
   * came (a timeout, a refused connection, an operation the service does not know); `unset`: nothing
   * names it; `malformed`: it exists but is not what Herald reads; `failed`: any other error.
   */
  readonly kind: 'not-found' | 'denied' | 'unanswered' | 'unset' | 'malformed' | 'failed';
  /** The IAM action the question needs, e.g. `ses:GetAccount`. */
  readonly action: string;
  /** What went wrong, never holding a secret. */
  readonly message: string;
}

export type Answer<T> = { readonly value: T } | { readonly failure: Failure };

/** SES GetAccount. */
export interface AccountAnswer {
  readonly productionAccessEnabled: boolean;
  readonly sendingEnabled: boolean;
  /** HEALTHY, PROBATION or SHUTDOWN. */
  readonly enforcementStatus: string;
  readonly maxSendRate: number;
  /** -1: no limit. */
  readonly max24HourSend: number;
  readonly sentLast24Hours: number;
}

/** SES GetEmailIdentity. */
export interface IdentityAnswer {
  readonly verifiedForSending: boolean;
  /** PENDING, SUCCESS, FAILED, TEMPORARY_FAILURE or NOT_STARTED. */
  readonly verificationStatus: string;
  readonly dkim?: { readonly status: string; readonly tokens: readonly string[] };
  readonly mailFrom?: {
    readonly domain: string;
    /** PENDING, SUCCESS, FAILED or TEMPORARY_FAILURE. */
    readonly status: string;
    /** USE_DEFAULT_VALUE or REJECT_MESSAGE. */
    readonly behaviorOnMxFailure: string;
  };
}

/** One destination of SES GetConfigurationSetEventDestinations. */
export interface EventDestinationAnswer {
  readonly name: string;
  readonly enabled: boolean;
  readonly matchingEventTypes: readonly string[];
  readonly toEventBridge: boolean;
}

/** A secret: where it was read from, and what it holds (a description that never holds the secret). */
export interface SecretAnswer {
  readonly source: string;
  readonly answer: Answer<string>;
}

/** A setting the CLI reads from the stacks' outputs that none of them output (and no variable set). */
export interface MissingOutput {
  readonly setting: string;
  readonly output: string;
  readonly stackName: string;
  readonly what: string;
}

export interface DoctorAnswers {
  readonly stack: 'local' | 'aws';
  readonly region: string;
  /** The deployment's name on AWS (`Herald`); locally, where the running stack was found. */
  readonly deployment: string;
  /** Why the deployment could not be read (no such stack), when it could not. */
  readonly deploymentProblem?: string;
  readonly missingOutputs: readonly MissingOutput[];
  /** HERALD_FROM_ADDRESS as configured (a display name allowed), if anything configured it. */
  readonly fromAddress?: string;
  /** GetEmailIdentity for the From address, then its domain, then each parent domain. */
  readonly identities: readonly { readonly name: string; readonly answer: Answer<IdentityAnswer> }[];
  readonly account: Answer<AccountAnswer>;
  /** The configuration set the senders name, if they name one. */
  readonly configurationSet?: {
    readonly name: string;
    readonly exists: Answer<true>;
    readonly destinations: Answer<readonly EventDestinationAnswer[]>;
  };
  /** HERALD_MAX_SEND_RATE and HERALD_DAILY_QUOTA as set, unparsed. */
  readonly configured: { readonly maxSendRate?: string; readonly dailyQuota?: string };
  readonly tokenKeys: SecretAnswer;
  readonly addressKey: SecretAnswer;
}
