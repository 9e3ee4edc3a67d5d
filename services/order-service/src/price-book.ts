import { ServiceError } from '@msa-sync/service-runtime';
import { type CatalogPrice, decodeCatalogPrice, MessageShapeError } from '@msa-sync/shop-contracts';

/**
 * The catalog's current prices as order-service knows them: the latest record per product of
 * `catalog-prices`, applied in order. Until the topic has been read to its end once (and holds at
 * least one product) nothing can be priced, and orders are answered 503 rather than taken at the
 * client's price.
 */
export class PriceBook {
  readonly #prices = new Map<string, CatalogPrice>();
  #caughtUp = false;

  /** One record of the topic: a price, or a tombstone (no value) for a product taken away. */
  apply(key: Buffer | undefined, value: Buffer | undefined): void {
    if (value === undefined || value.length === 0) {
      if (key) this.#prices.delete(key.toString('utf8'));
      return;
    }
    let price: CatalogPrice;
    try {
      price = decodeCatalogPrice(value);
    } catch (error) {
      // Not a price (someone else wrote to the topic): skip it rather than stop reading.
      if (error instanceof MessageShapeError) return;
      throw error;
    }
    this.#prices.set(price.productId, price);
  }

  /** The topic was read up to where it ended when reading began. */
  markCaughtUp(): void {
    this.#caughtUp = true;
  }

  get ready(): boolean {
    return this.#caughtUp && this.#prices.size > 0;
  }

  get size(): number {
    return this.#prices.size;
  }

  /** Whether `check` would pass, without building its error. */
  accepts(productId: string, unitPrice: number): boolean {
    return this.ready && this.#prices.get(productId)?.unitPrice === unitPrice;
  }

  /**
   * Throws unless `unitPrice` is the product's current price: 503 PRICES_UNAVAILABLE before the
   * prices are known, 404 PRODUCT_NOT_FOUND for a product the catalog does not have, 409
   * PRICE_CHANGED (details: the current price) for any other price.
   */
  check(productId: string, unitPrice: number): CatalogPrice {
    if (!this.ready) {
      throw new ServiceError('PRICES_UNAVAILABLE', undefined, { retryAfterSeconds: 2 });
    }
    const price = this.#prices.get(productId);
    if (!price) throw new ServiceError('PRODUCT_NOT_FOUND', `No product with id ${productId} in the catalog`);
    if (price.unitPrice !== unitPrice) {
      throw new ServiceError(
        'PRICE_CHANGED',
        `The unit price of ${productId} is ${price.unitPrice}, not ${unitPrice}`,
        { details: { productId, unitPrice: price.unitPrice } },
      );
    }
    return price;
  }
}
