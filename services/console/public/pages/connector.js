import { liveChart } from '../charts.js';
import { api, confirmDialog, enc, fill, h, poll, pretty, stateBadge, toast } from '../lib.js';

/** One connector: state and actions, tasks, config (secrets masked), offsets, lag and throughput. */
export function connectorPage(main, name) {
  const path = `/api/connectors/${enc(name)}`;
  const head = h('div');
  const actions = h('div', { class: 'row', role: 'toolbar', 'aria-label': 'Connector actions' });
  const tasks = h('div');
  const charts = h('div', { class: 'two' });
  const offsets = h('div');
  const config = h('div');
  main.append(
    h('h1', {}, 'Connector ', h('span', { class: 'mono' }, name)),
    head,
    actions,
    h('h2', {}, 'Tasks'),
    tasks,
    h('h2', {}, 'Consumer lag and throughput'),
    charts,
    h('h2', {}, 'Offsets'),
    offsets,
    h('h2', {}, 'Configuration'),
    config,
  );
  const lagChart = liveChart(charts, 'Lag per partition (records)', 'records');
  const rateChart = liveChart(charts, 'Records per second (committed)', 'records/s');
  let previous;
  let lastState;
  let busy = false;

  const act = async (label, method, url) => {
    busy = true;
    try {
      await api(method, url);
      toast(`${label}: done`);
    } catch (error) {
      toast(`${label}: ${error.message}`, true);
    } finally {
      busy = false;
      poller.now();
    }
  };
  const includeTasks = h('input', { type: 'checkbox', id: 'include-tasks' });
  const onlyFailed = h('input', { type: 'checkbox', id: 'only-failed' });
  fill(
    actions,
    h('button', { onclick: () => act('Pause', 'PUT', `${path}/pause`) }, 'Pause'),
    h('button', { onclick: () => act('Resume', 'PUT', `${path}/resume`) }, 'Resume'),
    h('button', { onclick: () => act('Stop', 'PUT', `${path}/stop`) }, 'Stop'),
    h(
      'button',
      {
        onclick: () =>
          act(
            'Restart',
            'POST',
            `${path}/restart?includeTasks=${includeTasks.checked}&onlyFailed=${onlyFailed.checked}`,
          ),
      },
      'Restart',
    ),
    h('label', {}, includeTasks, ' include tasks'),
    h('label', {}, onlyFailed, ' only failed'),
    h('a', { class: 'button', href: `#/connectors/${enc(name)}/edit` }, 'Edit'),
    h(
      'button',
      {
        class: 'danger',
        onclick: async () => {
          if (
            !(await confirmDialog(`Delete ${name}?`, 'Its config goes; its offsets stay in Kafka.', 'Delete'))
          )
            return;
          // No reads of a connector about to be gone (a read answered after the delete is a 404).
          poller.stop();
          try {
            await api('DELETE', path);
            toast(`Deleted ${name}`);
            location.hash = '#/';
          } catch (error) {
            toast(error.message, true);
            poller.resume();
          }
        },
      },
      'Delete',
    ),
  );

  const poller = poll(
    async (signal) => {
      if (busy) return;
      const c = await api('GET', path, undefined, signal);
      const state = c.status.connector.state;
      fill(
        head,
        h(
          'p',
          {},
          stateBadge(state),
          ' ',
          c.type,
          ' · ',
          h('code', {}, c.config['connector.class']),
          ' · worker ',
          h('span', { class: 'mono' }, c.status.connector.worker_id),
          c.topics ? [' · topics ', c.topics.length ? c.topics.join(', ') : 'none yet'] : '',
        ),
        c.status.connector.trace
          ? h('details', {}, h('summary', {}, 'Connector trace'), h('pre', {}, c.status.connector.trace))
          : '',
      );
      fill(
        tasks,
        c.status.tasks.length === 0
          ? h('p', { class: 'muted' }, 'No tasks')
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Task', 'State', 'Worker', 'Trace', ''].map((t) => h('th', { scope: 'col' }, t)),
                ),
              ),
              h(
                'tbody',
                {},
                c.status.tasks.map((t) =>
                  h(
                    'tr',
                    { 'data-task': t.id },
                    h('td', {}, String(t.id)),
                    h('td', {}, stateBadge(t.state)),
                    h('td', { class: 'mono' }, t.worker_id),
                    h(
                      'td',
                      {},
                      t.trace ? h('details', {}, h('summary', {}, 'trace'), h('pre', {}, t.trace)) : '—',
                    ),
                    h(
                      'td',
                      {},
                      h(
                        'button',
                        {
                          onclick: () => act(`Restart task ${t.id}`, 'POST', `${path}/tasks/${t.id}/restart`),
                        },
                        'Restart task',
                      ),
                    ),
                  ),
                ),
              ),
            ),
      );
      fill(
        config,
        h(
          'table',
          {},
          h(
            'tbody',
            {},
            Object.keys(c.config)
              .sort()
              .map((k) =>
                h(
                  'tr',
                  {},
                  h('th', { scope: 'row', class: 'mono' }, k),
                  h('td', { class: 'mono' }, c.config[k]),
                ),
              ),
          ),
        ),
      );
      // Offsets: shown always, editable only while stopped (Connect refuses otherwise).
      // Read-only offsets follow every update; editable ones are drawn once, so edits stay.
      if (state !== 'STOPPED' || state !== lastState) {
        lastState = state;
        await renderOffsets(offsets, path, state === 'STOPPED', () => poller.now(), signal);
      }
      if (c.type === 'sink') {
        const lag = await api('GET', `${path}/lag`, undefined, signal);
        const lags = {};
        let committed = 0;
        for (const p of lag.partitions) {
          lags[`${p.topic}-${p.partition}`] = p.lag === null ? null : Number(p.lag);
          committed += Number(p.committed);
        }
        if (lag.partitions.length) lagChart.push(lag.at, lags);
        if (previous && lag.at > previous.at) {
          rateChart.push(lag.at, {
            'records/s': Math.max(0, ((committed - previous.committed) * 1000) / (lag.at - previous.at)),
          });
        }
        previous = { at: lag.at, committed };
      }
    },
    3000,
    (error) => toast(error.message, true),
  );
  return () => poller.stop();
}

async function renderOffsets(container, path, editable, refresh, signal) {
  let body;
  try {
    body = await api('GET', `${path}/offsets`, undefined, signal);
  } catch (error) {
    fill(container, h('p', { class: 'error-text' }, error.message));
    return;
  }
  const list = body.offsets ?? [];
  const inputs = [];
  const rows = list.map((o, i) => {
    const isSink =
      o.offset && typeof o.offset.kafka_offset === 'number' && Object.keys(o.offset).length === 1;
    const cell = editable
      ? isSink
        ? h('input', {
            type: 'text',
            inputmode: 'numeric',
            value: String(o.offset.kafka_offset),
            'aria-label': `Offset for ${pretty(o.partition)}`,
            'data-offset-index': i,
          })
        : h(
            'textarea',
            { rows: 3, 'aria-label': `Offset for ${pretty(o.partition)}`, 'data-offset-index': i },
            pretty(o.offset),
          )
      : h(
          'code',
          {},
          o.offset === null ? 'null' : isSink ? String(o.offset.kafka_offset) : JSON.stringify(o.offset),
        );
    inputs.push({ o, cell, isSink });
    return h('tr', {}, h('td', { class: 'mono' }, JSON.stringify(o.partition)), h('td', {}, cell));
  });
  const save = async () => {
    try {
      const offsets = inputs.map(({ o, cell, isSink }) => {
        if (isSink) {
          if (!/^\d+$/.test(cell.value.trim())) throw new Error(`'${cell.value}' is not an offset`);
          return { partition: o.partition, offset: { kafka_offset: Number(cell.value.trim()) } };
        }
        return { partition: o.partition, offset: JSON.parse(cell.value) };
      });
      const answer = await api('PATCH', `${path}/offsets`, { offsets });
      toast(answer?.message ?? 'Offsets changed');
    } catch (error) {
      toast(`Offsets: ${error.message}`, true);
    }
    await renderOffsets(container, path, editable, refresh, undefined);
  };
  const reset = async () => {
    if (
      !(await confirmDialog(
        'Reset offsets?',
        'The connector starts from the beginning (or its reset policy) when resumed.',
        'Reset',
      ))
    )
      return;
    try {
      const answer = await api('DELETE', `${path}/offsets`);
      toast(answer?.message ?? 'Offsets reset');
    } catch (error) {
      toast(`Offsets: ${error.message}`, true);
    }
    await renderOffsets(container, path, editable, refresh, undefined);
  };
  fill(
    container,
    list.length === 0
      ? h('p', { class: 'muted' }, 'No offsets committed yet.')
      : h(
          'table',
          { id: 'offsets' },
          h(
            'thead',
            {},
            h('tr', {}, h('th', { scope: 'col' }, 'Partition'), h('th', { scope: 'col' }, 'Offset')),
          ),
          h('tbody', {}, rows),
        ),
    editable
      ? h(
          'div',
          { class: 'row' },
          list.length ? h('button', { class: 'primary', onclick: save }, 'Save offsets') : '',
          h('button', { class: 'danger', onclick: reset }, 'Reset offsets'),
        )
      : h('p', { class: 'muted' }, 'Stop the connector to edit or reset its offsets.'),
  );
}
