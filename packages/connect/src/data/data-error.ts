/**
 * Raised when a value does not fit its schema or cannot be converted (Connect's `DataException`).
 * The worker treats it as a conversion failure of the stage it happened in.
 */
export class DataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataError';
  }
}

/** Raised for a builder call that makes no sense (Connect's `SchemaBuilderException`). */
export class SchemaBuilderError extends DataError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchemaBuilderError';
  }
}
