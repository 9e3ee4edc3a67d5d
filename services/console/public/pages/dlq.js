import { api, fill, h, toast } from '../lib.js';
import { recordBrowser } from './topics.js';

/** The dead letter queues the connectors name, each record's `__connect.errors.*` decoded. */
export function dlqPage(main) {
  const choose = h('select', { id: 'dlq-topic' });
  const view = h('div');
  main.append(
    h('h1', {}, 'Dead letter queues'),
    h('div', { class: 'row' }, h('label', { for: 'dlq-topic' }, 'Queue'), choose),
    view,
  );
  const show = () => {
    if (!choose.value) return fill(view);
    fill(view, recordBrowser(choose.value, true).el);
  };
  choose.addEventListener('change', show);
  api('GET', '/api/overview')
    .then((o) => {
      const queues = o.connectors.filter((c) => c.deadLetterTopic);
      if (queues.length === 0) {
        fill(view, h('p', { class: 'muted' }, 'No connector has errors.deadletterqueue.topic.name set.'));
        return;
      }
      fill(
        choose,
        queues.map((c) => h('option', { value: c.deadLetterTopic }, `${c.deadLetterTopic} (of ${c.name})`)),
      );
      const wanted = new URLSearchParams(location.hash.split('?')[1] ?? '').get('topic');
      if (wanted) choose.value = wanted;
      show();
    })
    .catch((error) => toast(error.message, true));
  return () => {};
}
