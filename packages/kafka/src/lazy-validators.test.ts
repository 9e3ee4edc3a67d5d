import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// patches/ makes @platformatic/kafka compile its option validators on first use instead of at
// import (about 0.3 s of CPU in every process and task thread). A fresh process is needed: this
// lane shares its module cache between test files.
const script = `
const kafka = await import('@platformatic/kafka');
const cached = () => kafka.ajv._cache.size;
const atImport = cached();
const brokers = ['127.0.0.1:1'];
const loose = [new kafka.Producer({ clientId: 'p', bootstrapBrokers: brokers }),
  new kafka.Consumer({ clientId: 'c', groupId: 'g', bootstrapBrokers: brokers }),
  new kafka.Admin({ clientId: 'a', bootstrapBrokers: brokers })];
const afterLooseClients = cached();
const messages = [];
for (const options of [{ clientId: 1 }, { clientId: 'p', acks: 'x' }]) {
  try { new kafka.Producer({ bootstrapBrokers: brokers, strict: true, ...options }); }
  catch (error) { messages.push(error.message); }
}
await Promise.all(loose.map((client) => client.close()));
console.log(JSON.stringify({ atImport, afterLooseClients, afterStrict: cached(), messages }));
`;

describe('the Kafka client option validators', () => {
  it('compile on first use only, with the same messages', () => {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dirname(fileURLToPath(import.meta.url)),
      encoding: 'utf8',
    });
    const result = JSON.parse(out) as {
      atImport: number;
      afterLooseClients: number;
      afterStrict: number;
      messages: string[];
    };
    // Only ajv's own meta-schemas (8); compiling at import made it 46.
    expect(result.atImport).toBeLessThan(10);
    // Clients without strict validate nothing but the consumer's group options, which it always checks.
    expect(result.afterLooseClients).toBe(result.atImport + 1);
    expect(result.afterStrict).toBeGreaterThan(result.atImport);
    expect(result.messages).toEqual([
      '/options/clientId must be string.',
      '/options/acks must be number, /options/acks should be one of -1 (ALL), 0 (NO_RESPONSE) or 1 (LEADER).',
    ]);
  });
});
