import { api, enc, fill, h, poll, stateBadge, toast } from '../lib.js';

/** Workers, connectors and tasks by state, failed tasks with their trace, the Kafka cluster. */
export function overviewPage(main) {
  const cards = h('div', { class: 'cards' });
  const failed = h('div');
  const table = h('div');
  const kafka = h('div');
  main.append(
    h('h1', {}, 'Cluster'),
    cards,
    h('h2', {}, 'Connectors'),
    table,
    failed,
    h('h2', {}, 'Kafka'),
    kafka,
  );
  let kafkaLoaded = 0;
  const poller = poll(
    async (signal) => {
      const o = await api('GET', '/api/overview', undefined, signal);
      const count = (state, what) => o.byState[state]?.[what] ?? 0;
      fill(
        cards,
        card(o.workers.length, 'workers', o.workers.join(', ')),
        card(o.connectors.length, 'connectors'),
        card(count('RUNNING', 'tasks'), 'tasks running'),
        card(count('PAUSED', 'tasks') + count('STOPPED', 'connectors'), 'tasks paused · connectors stopped'),
        card(
          count('FAILED', 'tasks') + count('FAILED', 'connectors'),
          'failed',
          '',
          count('FAILED', 'tasks') > 0,
        ),
        card(o.connect.version ?? '?', 'Connect version', o.connectUrl),
      );
      fill(
        table,
        o.connectors.length === 0
          ? h('p', { class: 'muted' }, 'No connectors. ', h('a', { href: '#/new' }, 'Create one'), '.')
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Name', 'Type', 'State', 'Tasks', 'Worker'].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                o.connectors.map((c) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, h('a', { href: `#/connectors/${enc(c.name)}` }, c.name)),
                    h('td', {}, c.type),
                    h('td', {}, stateBadge(c.state)),
                    h(
                      'td',
                      {},
                      c.tasks.length === 0 ? h('span', { class: 'muted' }, 'none') : '',
                      c.tasks.map((t) => [
                        h('span', { class: 'mono' }, `#${t.id} `),
                        stateBadge(t.state),
                        ' ',
                      ]),
                    ),
                    h('td', { class: 'mono' }, c.workerId),
                  ),
                ),
              ),
            ),
      );
      const failures = o.connectors.flatMap((c) => [
        ...(c.state === 'FAILED' ? [{ what: `${c.name} (connector)`, name: c.name, trace: c.trace }] : []),
        ...c.tasks
          .filter((t) => t.state === 'FAILED')
          .map((t) => ({ what: `${c.name} task ${t.id} on ${t.workerId}`, name: c.name, trace: t.trace })),
      ]);
      fill(
        failed,
        failures.length === 0
          ? ''
          : [
              h('h2', {}, 'Failed'),
              failures.map((f) =>
                h(
                  'details',
                  { class: 'panel' },
                  h('summary', {}, h('span', { class: 'error-text' }, f.what)),
                  h('pre', {}, f.trace ?? 'no trace'),
                  h('a', { href: `#/connectors/${enc(f.name)}` }, 'Open the connector'),
                ),
              ),
            ],
      );
      if (Date.now() - kafkaLoaded > 15_000) {
        kafkaLoaded = Date.now();
        api('GET', '/api/kafka/cluster', undefined, signal)
          .then((c) =>
            fill(
              kafka,
              h(
                'p',
                {},
                'Cluster id ',
                h('code', {}, c.clusterId),
                ' · bootstrap ',
                h('code', {}, c.bootstrap.join(',')),
              ),
              h(
                'table',
                {},
                h(
                  'thead',
                  {},
                  h(
                    'tr',
                    {},
                    ['Broker', 'Host', 'Rack', 'Role'].map((t) => h('th', { scope: 'col' }, t)),
                  ),
                ),
                h(
                  'tbody',
                  {},
                  c.brokers.map((b) =>
                    h(
                      'tr',
                      {},
                      h('td', {}, String(b.nodeId)),
                      h('td', { class: 'mono' }, `${b.host}:${b.port}`),
                      h('td', {}, b.rack ?? '—'),
                      h('td', {}, b.controller ? 'controller' : 'broker'),
                    ),
                  ),
                ),
              ),
              h('p', {}, h('a', { href: '#/topics' }, 'Topics, partitions and end offsets')),
            ),
          )
          .catch((error) => fill(kafka, h('p', { class: 'error-text' }, error.message)));
      }
    },
    3000,
    (error) => toast(error.message, true),
  );
  return () => poller.stop();
}

function card(n, label, detail = '', bad = false) {
  return h(
    'div',
    { class: 'card' },
    h('div', { class: bad ? 'n error-text' : 'n' }, String(n)),
    h('div', { class: 'l' }, label),
    detail ? h('div', { class: 'l mono' }, detail) : '',
  );
}
