export * from './catalog-event.js';
export { type CatalogOrder, decodeCatalogOrder, encodeCatalogOrder } from './catalog-order.js';
export * from './catalog-price.js';
export { MessageShapeError } from './message-fields.js';
export * from './topics.js';
