import { type Admin, createAdmin, describeKafkaError } from '@msa-sync/kafka';
import { CommandError } from './cli-errors.js';

/**
 * Runs one admin conversation with bounded connect time and retries, so a broker that is down
 * ends the command in seconds with a readable message rather than a hang.
 */
export async function withAdmin<T>(bootstrap: string[], work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = createAdmin({
    bootstrapServers: bootstrap,
    clientId: 'msa-sync-cli',
    connectTimeoutMs: 3000,
    requestTimeoutMs: 15_000,
    retries: 2,
    retryDelayMs: 300,
  });
  try {
    return await work(admin);
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(describeKafkaError(error, bootstrap));
  } finally {
    await admin.close().catch(() => {});
  }
}

/** Kafka prints topic ids as URL-safe base64 of the 16 uuid bytes; the client hands us hex. */
export function kafkaTopicId(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url');
}
