import { liveChart } from '../charts.js';
import { api, fill, h, poll, toast } from '../lib.js';

/** The shop: orders per second, stock per product, order instances, placing orders and checking them. */
export function shopPage(main) {
  const cards = h('div', { class: 'cards' });
  const charts = h('div', { class: 'two' });
  const stock = h('div');
  const instances = h('div');
  const rate = h('input', { id: 'load-rate', type: 'number', min: 1, max: 500, value: '20', size: 5 });
  const seconds = h('input', { id: 'load-seconds', type: 'number', min: 1, max: 600, value: '10', size: 5 });
  const loadStatus = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const report = h('div', { id: 'consistency' });
  const start = h('button', { class: 'primary', onclick: () => placeOrders() }, 'Place orders');
  const check = h('button', { onclick: () => checkConsistency() }, 'Check consistency');
  main.append(
    h('h1', {}, 'Shop'),
    cards,
    charts,
    h('h2', {}, 'Place orders and check them'),
    h(
      'div',
      { class: 'row' },
      h('label', { for: 'load-rate' }, 'Orders per second'),
      rate,
      h('label', { for: 'load-seconds' }, 'for seconds'),
      seconds,
      start,
      check,
    ),
    loadStatus,
    report,
    h('h2', {}, 'Stock per product'),
    stock,
    h('h2', {}, 'Service instances (gateway registry)'),
    instances,
  );
  const ordersChart = liveChart(charts, 'Orders per second (rows the sink wrote)', 'orders/s');
  const stockChart = liveChart(charts, 'Stock per product', 'units');
  const sentChart = liveChart(charts, 'Orders sent per second by this console', 'orders/s');
  const instanceChart = liveChart(charts, 'Orders per second by order-service instance', 'orders/s');
  const latencyChart = liveChart(charts, '201 latency and 201 → row (this console’s orders)', 'ms');
  let previous;

  const placeOrders = async () => {
    try {
      await api('POST', '/api/shop/load', { rate: Number(rate.value), seconds: Number(seconds.value) });
      toast('Placing orders');
      loadPoller.now();
    } catch (error) {
      toast(error.message, true);
    }
  };
  const checkConsistency = async () => {
    check.disabled = true;
    fill(report, h('p', { class: 'muted' }, 'Checking (waits up to 30 s for the sink to catch up)…'));
    try {
      const r = await api('POST', '/api/shop/verify');
      fill(
        report,
        h(
          'p',
          { class: r.ok ? 'ok-text' : 'error-text', id: 'consistency-result' },
          r.ok ? 'Consistent' : 'Inconsistent',
        ),
        h('pre', {}, r.lines.join('\n')),
      );
    } catch (error) {
      fill(report, h('p', { class: 'error-text' }, error.message));
    } finally {
      check.disabled = false;
    }
  };

  const poller = poll(
    async (signal) => {
      const s = await api('GET', '/api/shop', undefined, signal);
      if (previous && s.at > previous.at) {
        ordersChart.push(s.at, {
          'orders/s': Math.max(0, ((s.orders - previous.orders) * 1000) / (s.at - previous.at)),
        });
      }
      if (previous && s.at > previous.at) {
        const before = new Map(previous.instances.map((i) => [i.instanceId, i.ordersServed]));
        const rates = {};
        for (const i of s.instances) {
          const was = before.get(i.instanceId);
          if (i.service === 'order-service' && i.ordersServed !== null && was !== undefined && was !== null) {
            rates[i.instanceId] = Math.max(0, ((i.ordersServed - was) * 1000) / (s.at - previous.at));
          }
        }
        if (Object.keys(rates).length) instanceChart.push(s.at, rates);
      }
      previous = s;
      const served = s.instances.reduce((sum, i) => sum + (i.ordersServed ?? 0), 0);
      stockChart.push(s.at, Object.fromEntries(s.stock.map((p) => [p.productId, p.stock])));
      const orderInstances = s.instances.filter((i) => i.service === 'order-service');
      fill(
        cards,
        card(s.orders, 'orders in the database'),
        card(s.stock.length, 'products'),
        card(orderInstances.length, 'order-service instances up'),
      );
      const max = Math.max(1, ...s.stock.map((p) => p.stock));
      fill(
        stock,
        s.stock.length === 0
          ? h('p', { class: 'muted' }, 'No catalog yet.')
          : h(
              'table',
              { id: 'stock' },
              h(
                'tbody',
                {},
                s.stock.map((p) =>
                  h(
                    'tr',
                    { 'data-product': p.productId },
                    h('th', { scope: 'row' }, `${p.productId} ${p.name}`),
                    h('td', { class: 'num' }, String(p.stock)),
                    h(
                      'td',
                      { style: 'width:60%' },
                      h('div', { class: 'bar', style: `width:${(p.stock / max) * 100}%` }),
                    ),
                  ),
                ),
              ),
            ),
      );
      fill(
        instances,
        s.instances.length === 0
          ? h('p', { class: 'muted' }, 'The gateway does not answer (npm start runs it).')
          : h(
              'table',
              { id: 'instances' },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Service', 'Instance', 'URL', 'Status', 'Orders placed', 'Share'].map((t) =>
                    h('th', { scope: 'col' }, t),
                  ),
                ),
              ),
              h(
                'tbody',
                {},
                s.instances.map((i) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, i.service),
                    h('td', {}, i.instanceId),
                    h('td', { class: 'mono' }, i.url),
                    h('td', {}, i.status),
                    h('td', { class: 'num' }, i.ordersServed === null ? '' : String(i.ordersServed)),
                    h(
                      'td',
                      { class: 'num' },
                      i.ordersServed === null || served === 0
                        ? ''
                        : `${Math.round((i.ordersServed / served) * 100)} %`,
                    ),
                  ),
                ),
              ),
            ),
      );
    },
    2000,
    (error) => toast(error.message, true),
  );
  // Each progress of the run once, at its own time: rate, and the 201 and 201 → row latencies of
  // the answers and rows since the progress before.
  const seen = { runId: undefined, elapsedMs: -1 };
  const loadPoller = poll(async (signal) => {
    const l = await api('GET', '/api/shop/load', undefined, signal);
    const last = l.progress.at(-1);
    for (const p of l.progress) {
      if (p.runId === seen.runId && p.elapsedMs <= seen.elapsedMs) continue;
      seen.runId = p.runId;
      seen.elapsedMs = p.elapsedMs;
      const t = l.startedAt + p.elapsedMs;
      if (p.phase === 'load') sentChart.push(t, { 'sent/s': p.currentRate });
      const lat = {};
      if (p.intervalLatencyMs) {
        lat['201 p50'] = p.intervalLatencyMs.p50;
        lat['201 p99'] = p.intervalLatencyMs.p99;
      }
      if (p.intervalVisibleMs) {
        lat['201 → row p50'] = p.intervalVisibleMs.p50;
        lat['201 → row p99'] = p.intervalVisibleMs.p99;
      }
      if (Object.keys(lat).length) latencyChart.push(t, lat);
    }
    start.disabled = l.running;
    if (l.error) loadStatus.textContent = `Load run failed: ${l.error}`;
    else if (l.running && last)
      loadStatus.textContent = `${last.runId}: ${last.phase}, ${last.sent} sent, ${last.acked} acknowledged, ${last.errors} errors`;
    else if (l.summary) {
      const s = l.summary;
      loadStatus.textContent = `${s.runId}: ${s.acked} of ${s.sent} acknowledged at ${s.ordersPerSecond.toFixed(1)}/s; 201 latency p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms${s.visibleMs ? `; 201 → row p50 ${s.visibleMs.p50} ms, p99 ${s.visibleMs.p99} ms` : ''}`;
    }
  }, 1000);
  return () => {
    poller.stop();
    loadPoller.stop();
  };
}

function card(n, label) {
  return h('div', { class: 'card' }, h('div', { class: 'n' }, String(n)), h('div', { class: 'l' }, label));
}
