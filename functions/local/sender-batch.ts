/**
 * How the local sender takes its send jobs: batches of 5 (as the send queue's event source does on AWS),
 * four at once — twenty jobs in flight, in batches that start and end apart, so the pace always has a
 * job ready while another batch starts up (two batches of 10 ended together and left SES's second a
 * tenth short). `npm start` and the fan-out benchmark both use it.
 */
export const SENDER_BATCH = { batchSize: 5, concurrency: 4 } as const;
