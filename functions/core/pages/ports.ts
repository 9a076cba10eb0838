// What the public pages need: a proof of work for their forms.

/** A proof of work for public forms: challenges to solve in the page, each solution accepted once. */
export interface ProofOfWork {
  /** A challenge for `client` (its address) to solve for `form`. */
  challenge(now: Date, client: string, form: 'subscribe' | 'suggest'): Promise<object>;
  verify(proof: string, now: Date, client: string, form: 'subscribe' | 'suggest'): Promise<ProofVerdict>;
}

/** `foreign`: a genuine proof, but solved for another client or another form. */
export type ProofVerdict = 'ok' | 'invalid' | 'replayed' | 'foreign';
