// A process that runs Amazon DynamoDB Local the way the local stack does, says where, and waits to be
// killed: for the test that Java does not outlive a Herald killed outright.
import { startDynamo } from '#local/dynamodb-engine.ts';

const home = process.argv[2];
if (!home) throw new Error('usage: amazon-dynamodb-process.ts <home>');
const running = await startDynamo('amazon', home, 0);
process.stdout.write(`${JSON.stringify({ pid: running.pid, url: running.url })}\n`);
setInterval(() => undefined, 60_000);
