import { describe, expect, it } from 'vitest';
import { ordersPlaced } from './shop-view.js';

describe('ordersPlaced', () => {
  it('sums the 201 answers to POST …/orders of an instance, nothing else', () => {
    const metrics = [
      '# HELP http_requests_total HTTP requests answered',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="POST",route="/:userId/orders",status="201",service="order-service"} 41',
      'http_requests_total{method="POST",route="/:userId/orders",status="400",service="order-service"} 3',
      'http_requests_total{method="GET",route="/:userId/orders",status="200",service="order-service"} 7',
      'http_requests_total{method="GET",route="/health",status="200",service="order-service"} 12',
      'http_request_duration_seconds_count{method="POST",route="/:userId/orders"} 44',
    ].join('\n');
    expect(ordersPlaced(metrics)).toBe(41);
    expect(ordersPlaced('')).toBe(0);
  });
});
