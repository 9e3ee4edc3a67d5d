import { api, enc, fill, formatTime, h, poll, pretty, toast } from '../lib.js';

/** Every topic with partitions, replication and end offsets. */
export function topicsPage(main) {
  const internal = h('input', { type: 'checkbox', id: 'show-internal' });
  const list = h('div');
  main.append(
    h('h1', {}, 'Topics'),
    h('div', { class: 'row' }, h('label', {}, internal, ' show internal topics')),
    list,
  );
  const poller = poll(
    async (signal) => {
      const topics = await api('GET', `/api/topics?internal=${internal.checked}`, undefined, signal);
      fill(
        list,
        h(
          'table',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['Topic', 'Partitions', 'Replication', 'Records', 'Size', 'End offsets'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            topics.map((t) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/topics/${enc(t.name)}` }, t.name)),
                h('td', { class: 'num' }, String(t.partitions.length)),
                h('td', { class: 'num' }, String(t.replicationFactor)),
                h('td', { class: 'num' }, t.records),
                h('td', { class: 'num' }, t.sizeBytes === null ? '—' : bytes(Number(t.sizeBytes))),
                h('td', { class: 'mono' }, t.partitions.map((p) => p.end).join(' · ')),
              ),
            ),
          ),
        ),
      );
    },
    5000,
    (error) => toast(error.message, true),
  );
  internal.addEventListener('change', () => poller.now());
  return () => poller.stop();
}

function bytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** One topic's records: the last N of a partition, from an offset or from a time. */
export function topicPage(main, topic) {
  main.append(h('h1', {}, 'Topic ', h('span', { class: 'mono' }, topic)));
  const browser = recordBrowser(topic, false);
  main.append(browser.el);
  return () => {};
}

/**
 * The record browser shared by the topic and dead letter pages: partition, start (last N, offset,
 * time), and the records with key, value, schema beside payload, headers and the decoded
 * `__connect.errors.*` context.
 */
export function recordBrowser(topic, deadLetters) {
  const partition = h('select', { id: 'partition' }, h('option', { value: '0' }, '0'));
  const mode = h(
    'select',
    { id: 'start-mode' },
    h('option', { value: 'last' }, 'last N records'),
    h('option', { value: 'offset' }, 'from offset'),
    h('option', { value: 'time' }, 'from time (ISO or epoch ms)'),
  );
  const from = h('input', {
    id: 'start-at',
    type: 'text',
    placeholder: 'offset or time',
    size: 24,
    hidden: true,
    'aria-label': 'Start at',
  });
  const limit = h('input', { id: 'limit', type: 'number', min: 1, max: 500, value: '20', size: 5 });
  const info = h('p', { class: 'muted', role: 'status' });
  const records = h('div', { id: 'records' });
  const load = async () => {
    const q = new URLSearchParams({ partition: partition.value, limit: limit.value });
    if (mode.value === 'last') q.set('last', limit.value);
    else if (from.value.trim()) q.set(mode.value, from.value.trim());
    info.textContent = 'reading…';
    try {
      const page = await api('GET', `/api/topics/${enc(topic)}/records?${q}`);
      info.textContent = `partition ${page.partition}: offsets ${page.earliest} to ${page.end} (end); ${page.records.length} records from ${page.from}`;
      fill(
        records,
        page.records.length === 0
          ? h('p', { class: 'muted' }, 'No records here.')
          : page.records.map((r) => recordView(r, deadLetters)),
      );
    } catch (error) {
      info.textContent = error.message;
    }
  };
  mode.addEventListener('change', () => {
    from.hidden = mode.value === 'last';
  });
  const form = h(
    'form',
    {
      class: 'row',
      onsubmit: (event) => {
        event.preventDefault();
        load();
      },
    },
    h('label', { for: 'partition' }, 'Partition'),
    partition,
    h('label', { for: 'start-mode' }, 'Start'),
    mode,
    from,
    h('label', { for: 'limit' }, 'Records'),
    limit,
    h('button', { class: 'primary', type: 'submit' }, 'Read'),
  );
  const el = h('div', {}, form, info, records);
  api('GET', '/api/topics?internal=true')
    .then((topics) => {
      const t = topics.find((x) => x.name === topic);
      if (!t) {
        info.textContent = `No topic ${topic} (yet).`;
        return;
      }
      fill(
        partition,
        t.partitions.map((p) => h('option', { value: String(p.partition) }, `${p.partition} (end ${p.end})`)),
      );
      load();
    })
    .catch((error) => {
      info.textContent = error.message;
    });
  return { el, load };
}

function payload(label, view) {
  if (view.kind === 'null') return h('div', {}, h('h3', {}, label), h('code', {}, 'null'));
  if (view.schema !== undefined) {
    return h(
      'div',
      {},
      h('h3', {}, `${label} (Connect JSON: payload and schema)`),
      h(
        'div',
        { class: 'two' },
        h('pre', { 'aria-label': `${label} payload` }, pretty(view.payload)),
        h('pre', { 'aria-label': `${label} schema` }, pretty(view.schema)),
      ),
    );
  }
  return h(
    'div',
    {},
    h('h3', {}, `${label} (${view.kind}, ${view.size} bytes)`),
    h('pre', {}, view.kind === 'json' ? pretty(view.json) : view.text),
  );
}

function recordView(r, deadLetters) {
  const dl = r.deadLetter;
  return h(
    'article',
    { class: 'record', 'data-offset': r.offset },
    h(
      'div',
      { class: 'row' },
      h('strong', {}, `offset ${r.offset}`),
      h('span', { class: 'muted' }, `partition ${r.partition} · ${formatTime(r.timestamp)}`),
    ),
    dl ? deadLetterTable(dl) : '',
    payload('Key', r.key),
    payload('Value', r.value),
    r.headers.length && !(deadLetters && dl)
      ? h(
          'details',
          {},
          h('summary', {}, `${r.headers.length} headers`),
          h(
            'table',
            {},
            h(
              'tbody',
              {},
              r.headers.map((x) =>
                h('tr', {}, h('th', { class: 'mono' }, x.key), h('td', { class: 'mono' }, x.value)),
              ),
            ),
          ),
        )
      : '',
  );
}

/** The `__connect.errors.*` headers as a table: which record, which stage, which error. */
export function deadLetterTable(dl) {
  const rows = [
    [
      'Failed record',
      dl.topic !== undefined ? `${dl.topic} partition ${dl.partition} offset ${dl.offset}` : undefined,
    ],
    ['Connector', dl.connector !== undefined ? `${dl.connector} task ${dl.task}` : undefined],
    ['Stage', dl.stage !== undefined ? `${dl.stage}${dl.className ? ` (${dl.className})` : ''}` : undefined],
    ['Error', dl.exceptionClass],
    ['Message', dl.message],
    ...Object.entries(dl.extra).map(([k, v]) => [k, v]),
  ].filter(([, v]) => v !== undefined);
  return h(
    'div',
    { class: 'dead-letter' },
    h(
      'table',
      { 'aria-label': 'Dead letter context' },
      h(
        'tbody',
        {},
        rows.map(([k, v]) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, k),
            h('td', { class: k === 'Message' ? 'error-text' : 'mono' }, v),
          ),
        ),
      ),
    ),
    dl.stacktrace ? h('details', {}, h('summary', {}, 'Stack trace'), h('pre', {}, dl.stacktrace)) : '',
  );
}
