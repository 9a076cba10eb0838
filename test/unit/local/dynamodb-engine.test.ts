import { describe, expect, it } from 'vitest';
import { dynamoDataDirectory, dynamoEngineFromEnv } from '#local/dynamodb-engine.ts';

describe('HERALD_DYNAMODB, the local DynamoDB engine', () => {
  it('is dynalite unless it says amazon', () => {
    expect(dynamoEngineFromEnv({})).toBe('dynalite');
    expect(dynamoEngineFromEnv({ HERALD_DYNAMODB: '' })).toBe('dynalite');
    expect(dynamoEngineFromEnv({ HERALD_DYNAMODB: 'dynalite' })).toBe('dynalite');
    expect(dynamoEngineFromEnv({ HERALD_DYNAMODB: 'amazon' })).toBe('amazon');
  });

  it('refuses any other value, naming the two it takes', () => {
    for (const value of ['Amazon', 'dynamodb-local', 'toString']) {
      expect(() => dynamoEngineFromEnv({ HERALD_DYNAMODB: value })).toThrow(
        `HERALD_DYNAMODB must be "dynalite" (the default, in process) or "amazon" (Amazon DynamoDB Local, needs Java 17), not "${value}"`,
      );
    }
  });

  it('keeps each engine’s table in a folder of its own under HERALD_HOME (neither reads the other’s files)', () => {
    expect(dynamoDataDirectory('dynalite', '/home/h')).toBe('/home/h/dynamodb');
    expect(dynamoDataDirectory('amazon', '/home/h')).toBe('/home/h/dynamodb-amazon');
  });
});
