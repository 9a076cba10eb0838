import { createChallenge, randomInt, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { claimRow } from '#adapters/dynamodb-table.ts';
import type { ProofOfWork } from '#ports/index.ts';

/**
 * Proof of work with ALTCHA (self-hosted, no third-party call): signed challenges that expire after ten
 * minutes, and a solution that is accepted once — its challenge signature is claimed in the table.
 */
export class AltchaProofOfWork implements ProofOfWork {
  constructor(
    private readonly table: string,
    private readonly secret: string,
    private readonly difficulty: { readonly min: number; readonly max: number } = {
      min: 20_000,
      max: 80_000,
    },
  ) {}

  async challenge(now: Date): Promise<object> {
    return createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      counter: randomInt(this.difficulty.min, this.difficulty.max),
      deriveKey,
      hmacSignatureSecret: this.secret,
      expiresAt: new Date(now.getTime() + 600_000),
    } as Parameters<typeof createChallenge>[0]);
  }

  async verify(proof: string, now: Date): Promise<'ok' | 'invalid' | 'replayed'> {
    let payload: { challenge?: { signature?: string }; solution?: unknown };
    try {
      payload = JSON.parse(Buffer.from(proof, 'base64').toString('utf8'));
    } catch {
      return 'invalid';
    }
    if (!payload?.challenge?.signature || !payload.solution) return 'invalid';
    const result = await verifySolution({
      challenge: payload.challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: this.secret,
    } as Parameters<typeof verifySolution>[0]).catch(() => ({ verified: false, expired: false }));
    if (!result.verified || result.expired) return 'invalid';
    const fresh = await claimRow(
      this.table,
      {
        pk: `PROOF#${payload.challenge.signature}`,
        sk: 'PROOF',
        expiresAt: Math.floor(now.getTime() / 1000) + 3600,
      },
      { condition: 'attribute_not_exists(pk)', values: {} },
    );
    return fresh ? 'ok' : 'replayed';
  }
}
