import { readFileSync } from 'node:fs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { STACK_OUTPUTS } from '#config/stack-outputs.ts';
import { ContextError, HERALD_CONTEXT_KEYS, readHeraldConfig } from '#infra/config.ts';
import { buildHerald } from '#infra/herald-app.ts';
import { testApp } from '../support/cdk-app.ts';

const context = {
  corsOrigins: ['https://www.example.org'],
  fromAddress: 'Press Office <news@example.org>',
  sesIdentity: 'example.org',
  documentsPrefix: 'documents/',
};

let template: Template;
let stateTemplate: Template;

beforeAll(() => {
  // Skip esbuild bundling: these tests read the template, not the code.
  const app = testApp();
  const { state, stack } = buildHerald(app, 'Test', readHeraldConfig(context), {
    account: '111122223333',
    region: 'eu-west-1',
  });
  template = Template.fromStack(stack);
  stateTemplate = Template.fromStack(state);
});

describe('documents bucket', () => {
  it('is versioned, encrypted, private and TLS-only', () => {
    stateTemplate.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    });
    stateTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('notifies the ingest queue of objects created and removed under the documents prefix only', () => {
    const filter = { Key: { FilterRules: [{ Name: 'prefix', Value: 'documents/' }] } };
    stateTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: filter }),
          Match.objectLike({ Events: ['s3:ObjectRemoved:*'], Filter: filter }),
        ],
      },
    });
  });

  it('is retained when the stack is deleted', () => {
    stateTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });
});

describe('the stateful stack', () => {
  it('pins the logical IDs of everything that holds data, and retains it', () => {
    for (const [id, type] of [
      ['DocumentsBucket', 'AWS::S3::Bucket'],
      ['HeraldTable', 'AWS::DynamoDB::GlobalTable'],
      ['TokenKeysSecret', 'AWS::SecretsManager::Secret'],
      ['AddressKeySecret', 'AWS::SecretsManager::Secret'],
      ['IngestQueue', 'AWS::SQS::Queue'],
      ['IngestDeadLetterQueue', 'AWS::SQS::Queue'],
    ] as const) {
      expect(stateTemplate.toJSON().Resources[id]?.Type, id).toBe(type);
    }
    for (const id of ['DocumentsBucket', 'HeraldTable', 'TokenKeysSecret', 'AddressKeySecret']) {
      expect(stateTemplate.toJSON().Resources[id].DeletionPolicy, id).toBe('Retain');
    }
  });

  it('keeps point-in-time recovery and TTL housekeeping on the table', () => {
    stateTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });

  it('holds no function: code changes never touch it', () => {
    expect(
      Object.keys(stateTemplate.findResources('AWS::Lambda::Function')).filter(
        (id) => !id.startsWith('BucketNotificationsHandler'),
      ),
    ).toEqual([]);
  });
});

describe('queues and functions', () => {
  it('give every queue a dead-letter queue', () => {
    const queues = {
      ...template.findResources('AWS::SQS::Queue'),
      ...stateTemplate.findResources('AWS::SQS::Queue'),
    };
    const withRedrive = Object.values(queues).filter((q) => q.Properties?.RedrivePolicy);
    expect(withRedrive).toHaveLength(3);
    for (const queue of withRedrive) expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
  });

  it('run every function on Node.js 24, ARM64, with tracing', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((f) =>
      f.Properties.Description?.startsWith('Herald'),
    );
    expect(functions).toHaveLength(17);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
    }
  });

  it('report partial batch failures from every SQS event source', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(3);
    for (const mapping of mappings)
      expect(mapping.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
  });

  it('point the ingest function at the send queue and the rendered templates', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('documents'),
      Environment: {
        Variables: Match.objectLike({
          HERALD_SEND_QUEUE_URL: Match.anyValue(),
          HERALD_TEMPLATES_DIR: '/var/task/templates',
          HERALD_DOCUMENTS_PREFIX: 'documents/',
        }),
      },
    });
  });
});

describe('sending', () => {
  it.each([
    ['ses:SendEmail', "the public's mail"],
    ['ses:SendBulkEmail', 'digests'],
  ])('may %s (%s) only from the configured identity and configuration set', (action) => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: action,
            Resource: [
              'arn:aws:ses:eu-west-1:111122223333:identity/example.org',
              { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':configuration-set/$')])] },
            ],
          }),
        ]),
      },
    });
  });

  it('reads token keys and the address key from Secrets Manager, never from plain environment', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    for (const fn of functions) {
      expect(fn.Properties.Environment?.Variables?.HERALD_TOKEN_KEYS).toBeUndefined();
      expect(fn.Properties.Environment?.Variables?.HERALD_ADDRESS_KEY).toBeUndefined();
    }
    // Every function that hashes addresses names the address key's own secret, not the token keys'.
    for (const description of [
      'through SES',
      'bounces and complaints',
      'subscribe page',
      'suggest an article',
    ])
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(description),
        Environment: {
          Variables: Match.objectLike({
            HERALD_ADDRESS_KEY_SECRET_ARN: Match.objectLike({
              'Fn::ImportValue': Match.stringLikeRegexp('AddressKey'),
            }),
          }),
        },
      });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('through SES'),
      Environment: { Variables: Match.objectLike({ HERALD_TOKEN_KEYS_SECRET_ARN: Match.anyValue() }) },
    });
  });
});

describe('public API', () => {
  it('routes GET and POST /unsubscribe, and GET of article web versions', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /unsubscribe' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /unsubscribe' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /articles/{id}/{lang}' });
  });

  it('serves the preference center and the web versions of digests and archives', () => {
    for (const key of ['GET /preferences', 'POST /preferences', 'GET /digests/{id}', 'GET /archive/{lang}']) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
  });
});

describe('subscriptions', () => {
  it('route the subscribe page and API, confirmation, and data download and erasure', () => {
    for (const key of [
      'GET /subscribe',
      'POST /subscribe',
      'POST /api/subscribe',
      'GET /confirm',
      'POST /confirm',
      'GET /my-data',
      'GET /erase',
      'POST /erase',
    ]) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
  });

  it('allow cross-origin posts of the subscribe API from the configured origins only', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      CorsConfiguration: { AllowOrigins: ['https://www.example.org'], AllowMethods: ['POST'] },
    });
  });

  it('send SES bounces and complaints through EventBridge to the function that suppresses them', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: ['BOUNCE', 'COMPLAINT'],
        EventBridgeDestination: Match.anyValue(),
      }),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.ses'],
        'detail-type': ['Email Bounced', 'Email Complaint Received'],
      }),
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('SesEventsFunction'), 'Arn'] } }),
      ],
    });
  });
});

describe('suggestions', () => {
  it('route the suggestion API, its proof-of-work challenge, the opt-out link, the widget and the feed', () => {
    for (const key of [
      'POST /api/suggest',
      'GET /api/suggest/challenge',
      'GET /suggestions/stop',
      'POST /suggestions/stop',
      'GET /assets/altcha.js',
      'GET /archive/{lang}/feed.atom',
    ]) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: key });
    }
  });
});

describe('the SES identity', () => {
  it('is created on request with Easy DKIM and a custom MAIL FROM, and every DNS record to publish is an output', () => {
    const app = testApp();
    const { stack } = buildHerald(
      app,
      'Identity',
      readHeraldConfig({ ...context, createSesIdentity: true }),
      {
        account: '111122223333',
        region: 'eu-west-1',
      },
    );
    const identity = Template.fromStack(stack);
    identity.hasResourceProperties('AWS::SES::EmailIdentity', {
      EmailIdentity: 'example.org',
      MailFromAttributes: { MailFromDomain: 'mail.example.org' },
    });
    const outputs = Object.values(identity.toJSON().Outputs as Record<string, { Value: unknown }>).map((o) =>
      JSON.stringify(o.Value),
    );
    expect(outputs.filter((o) => o.includes('CNAME'))).toHaveLength(3);
    expect(
      outputs.some((o) => o.includes('mail.example.org MX 10 feedback-smtp.eu-west-1.amazonses.com')),
    ).toBe(true);
    expect(outputs.some((o) => o.includes('v=spf1 include:amazonses.com'))).toBe(true);
    expect(outputs.some((o) => o.includes('_dmarc.example.org TXT'))).toBe(true);
  });

  it('is imported by name by default (creating one for a verified domain fails)', () => {
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
  });
});

describe('function defaults', () => {
  it('cap the sender event source concurrency (rate matters there) and run one scheduled digest at a time', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 10 },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Herald: daily and weekly digests',
      ReservedConcurrentExecutions: 1,
    });
  });

  it('tell each sender its share of the rate, hold claimed rows longer than it may run, and let it read the SES quota', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Herald: send jobs → personalized mail through SES',
      Timeout: 60,
      Environment: {
        Variables: Match.objectLike({ HERALD_SENDER_CONCURRENCY: '10', HERALD_SEND_LEASE_SECONDS: '120' }),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        // Merged with X-Ray's (which have no resources either) by @aws-cdk/aws-iam:minimizePolicies.
        Statement: Match.arrayWith([
          Match.objectLike({ Action: Match.arrayWith(['ses:GetAccount']), Resource: '*' }),
        ]),
      },
    });
  });

  it('run the sender with a small heap and one malloc arena, and the other functions with Node defaults', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    const variables = (description: string) =>
      functions.find((f) => f.Properties.Description === description)?.Properties.Environment.Variables;
    const sender = variables('Herald: send jobs → personalized mail through SES');
    expect(sender.NODE_OPTIONS.split(' ')).toEqual(
      expect.arrayContaining(['--enable-source-maps', '--max-semi-space-size=8', '--max-old-space-size=64']),
    );
    expect(sender.MALLOC_ARENA_MAX).toBe('1');
    const ingest = variables('Herald: documents → articles → rendered digests → send jobs');
    expect(ingest.NODE_OPTIONS).not.toContain('max-old-space-size');
  });

  it('give every function a log group with retention, and a role that may write only there', () => {
    const logGroups = Object.values(template.findResources('AWS::Logs::LogGroup')).filter(
      (g) => g.Properties.RetentionInDays === 30,
    );
    expect(logGroups.length).toBeGreaterThanOrEqual(17);
    const roles = Object.values(template.findResources('AWS::IAM::Role'));
    for (const role of roles) expect(role.Properties.ManagedPolicyArns ?? []).toEqual([]);
  });
});

describe('observability', () => {
  it('alarms on every dead-letter queue, on function errors, on SES reputation well below its limits, and on paused sending', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const named = (metric: string) => alarms.filter((a) => a.MetricName === metric);
    expect(named('ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    expect(named('Errors').length).toBe(17);
    expect(named('Reputation.BounceRate')[0]).toMatchObject({ Threshold: 0.02, Namespace: 'AWS/SES' });
    expect(named('Reputation.ComplaintRate')[0]).toMatchObject({ Threshold: 0.0005 });
    expect(named('sendingPaused')[0]).toMatchObject({ Namespace: 'Herald', Threshold: 1 });
    for (const alarm of alarms)
      expect(alarm.AlarmActions).toEqual([{ Ref: expect.stringMatching(/ObservabilityAlarms/) }]);
  });

  it('sends alarms to an encrypted, TLS-only topic with the configured e-mail, and draws a dashboard', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});

describe('scheduled digests', () => {
  it('run daily and weekly in the publisher time zone through EventBridge Scheduler', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 * * ? *)',
      ScheduleExpressionTimezone: 'UTC',
      Target: Match.objectLike({ Input: '{"cadence":"daily"}' }),
    });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 8 ? * MON *)',
      Target: Match.objectLike({ Input: '{"cadence":"weekly"}' }),
    });
  });

  it('let the scheduler invoke only the scheduled-digest function, for this account', () => {
    const fn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^ScheduledDigestsFunction'), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Effect: 'Allow',
            // The function, and its versions and aliases.
            Resource: [fn, { 'Fn::Join': ['', [fn, ':*']] }],
          },
        ],
      },
    });
    // No one else's schedule can use the role (the confused deputy).
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: { StringEquals: Match.objectLike({ 'aws:SourceAccount': '111122223333' }) },
          }),
        ],
      },
    });
  });

  it('are EventBridge Scheduler L2 schedules in the zone and on the day the context names', () => {
    const app = testApp();
    const { stack } = buildHerald(
      app,
      'Paris',
      readHeraldConfig({ ...context, timeZone: 'Europe/Paris', dailyAt: '07:05', weeklyOn: 'FRI' }),
      { account: '111122223333', region: 'eu-west-1' },
    );
    const paris = Template.fromStack(stack);
    paris.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(5 7 ? * FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({
        Input: '{"cadence":"weekly"}',
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
      }),
    });
  });
});

describe('context', () => {
  it("is documented: the README's table lists every key the app reads, and no other", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('| key | required | what |'));
    const rows = table.slice(0, table.indexOf('\n\n')).split('\n').slice(2);
    const documented = rows.flatMap((row) =>
      [...(row.split('|')[1] ?? '').matchAll(/`(\w+)`/g)].map((m) => m[1]),
    );
    expect(documented.sort()).toEqual([...HERALD_CONTEXT_KEYS].sort());
    expect(readme).toContain('`stackName` (default `Herald`)');
  });

  it('names the key that is missing or wrong', () => {
    expect(() => readHeraldConfig({ sesIdentity: 'example.org' })).toThrowError(
      /herald\.fromAddress is required/,
    );
    expect(() => readHeraldConfig({ ...context, publicBaseUrl: 'http://news.example.org' })).toThrowError(
      /herald\.publicBaseUrl must be an https:\/\/ URL/,
    );
    expect(() => readHeraldConfig(undefined)).toThrow(ContextError);
  });

  it('passes approval mode to the functions that plan digests, and a daily quota to the sender', () => {
    const app = testApp();
    const { stack } = buildHerald(
      app,
      'Approval',
      readHeraldConfig({ ...context, requireApproval: true, dailyQuota: 40_000 }),
      { account: '111122223333', region: 'eu-west-1' },
    );
    const approval = Template.fromStack(stack);
    for (const description of [
      'Herald: daily and weekly digests',
      'Herald: documents → articles → rendered digests → send jobs',
    ])
      approval.hasResourceProperties('AWS::Lambda::Function', {
        Description: description,
        Environment: { Variables: Match.objectLike({ HERALD_REQUIRE_APPROVAL: 'true' }) },
      });
    approval.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Herald: send jobs → personalized mail through SES',
      Environment: { Variables: Match.objectLike({ HERALD_DAILY_QUOTA: '40000' }) },
    });
    expect(() => readHeraldConfig({ ...context, dailyQuota: -1 })).toThrowError(/herald\.dailyQuota/);
  });
});

describe('outputs for the CLI (HERALD_STACK=aws)', () => {
  it('name every setting a command reads, in the stack the shared contract says', () => {
    const outputs = { state: stateTemplate.toJSON().Outputs, app: template.toJSON().Outputs } as Record<
      'state' | 'app',
      Record<string, { Value: unknown; Description: string }>
    >;
    for (const [setting, { stack, output }] of Object.entries(STACK_OUTPUTS)) {
      expect(outputs[stack], setting).toHaveProperty(output);
      expect(outputs[stack][output]!.Description, setting).toContain(setting);
    }
    expect(outputs.state.Table!.Value).toEqual({ Ref: 'HeraldTable' });
    expect(outputs.state.Bucket!.Value).toEqual({ Ref: 'DocumentsBucket' });
    expect(outputs.state.TokenKeysSecret!.Value).toEqual({ Ref: 'TokenKeysSecret' });
    expect(outputs.state.AddressKeySecret!.Value).toEqual({ Ref: 'AddressKeySecret' });
    expect(outputs.state.DocumentsPrefix!.Value).toBe('documents/');
    expect(outputs.app.FromAddress!.Value).toBe(context.fromAddress);
  });
});
