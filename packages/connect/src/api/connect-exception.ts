/**
 * Apache Connect API's `ConnectException`, for connectors and tasks: a failure that the task's
 * trace heads as `org.apache.kafka.connect.errors.ConnectException: <message>`, as Connect's do.
 */
export class ConnectException extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}
