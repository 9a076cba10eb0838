import { createHmac } from 'node:crypto';
import { AltchaProofOfWork, type ProofForm } from '#adapters/altcha-proof.ts';
import { HttpError } from '#core/errors.ts';
import type { AddressKey } from '#core/subscriptions/address-hash.ts';
import type { HttpEvent } from '#handlers/shared/http.ts';

/** The proof of work of the public forms; its secret is derived from the address key. */
export function proofOfWork(table: string, key: AddressKey, cost: number) {
  const secret = createHmac('sha256', key.secret).update('herald:altcha').digest('hex');
  const proofs = new AltchaProofOfWork(table, secret, cost);
  return {
    /** `GET …/challenge`: a challenge for this client and form. */
    challenge: async (event: HttpEvent, form: ProofForm) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(await proofs.challenge(new Date(), event.requestContext.http.sourceIp, form)),
    }),
    /** Verifies a solved proof from this client for this form, or answers 400 with what to do. */
    require: async (event: HttpEvent, proof: string | undefined, form: ProofForm) => {
      if (!proof)
        throw new HttpError(400, 'proof of work is missing: let the form solve its challenge first');
      const verdict = await proofs.verify(proof, new Date(), event.requestContext.http.sourceIp, form);
      if (verdict === 'ok') return;
      throw new HttpError(
        400,
        verdict === 'replayed'
          ? 'this proof of work was already used: solve a new challenge'
          : verdict === 'foreign'
            ? 'this proof of work was solved elsewhere or for another form: solve a new challenge here'
            : 'the proof of work is not valid',
      );
    },
  };
}
