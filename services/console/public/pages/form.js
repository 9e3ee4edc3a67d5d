import { api, enc, fill, h, pretty, toast } from '../lib.js';

// The marker msa-sync's REST API and the console's server show in place of a secret.
const MASK = '[hidden]';
const fieldId = (key) => `f-${key.replace(/[^a-zA-Z0-9_-]/g, '_')}`;

/**
 * Create (name undefined) or edit a connector through a form generated from the plugin's
 * `config/validate` answer: its groups and order, documentation as help, errors at the field as
 * the user types, recommended values as choices; or as JSON.
 */
export function formPage(main, name) {
  const editing = name !== undefined;
  const top = h('div', { class: 'panel' });
  const body = h('div');
  const footer = h('div', { class: 'row' });
  main.append(
    h('h1', {}, editing ? ['Edit ', h('span', { class: 'mono' }, name)] : 'New connector'),
    top,
    body,
    footer,
  );

  let values = {};
  let connectorClass = '';
  let result;
  let sequence = 0;
  let timer;
  let showAll = false;
  let jsonMode = false;
  const touched = new Set();
  const fields = new Map();
  let closed = false;

  const nameInput = h('input', {
    id: 'connector-name',
    type: 'text',
    required: true,
    value: name ?? '',
    disabled: editing,
    autocomplete: 'off',
  });
  const classSelect = h('select', { id: 'connector-class', disabled: editing });
  const status = h('span', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const submit = h(
    'button',
    { class: 'primary', type: 'button', onclick: () => save() },
    editing ? 'Save' : 'Create',
  );
  const jsonToggle = h(
    'button',
    { type: 'button', 'aria-pressed': 'false', onclick: () => toggleJson() },
    'JSON view',
  );
  fill(
    top,
    h('div', { class: 'field' }, h('label', { for: 'connector-name' }, 'Name'), nameInput),
    h('div', { class: 'field' }, h('label', { for: 'connector-class' }, 'Connector class'), classSelect),
  );
  fill(footer, submit, jsonToggle, status);

  const currentConfig = () => {
    const config = { ...values, 'connector.class': connectorClass };
    const n = nameInput.value.trim();
    if (n) config.name = n;
    return config;
  };

  const validate = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const mine = ++sequence;
      status.textContent = 'checking…';
      try {
        const query = editing ? `?connector=${enc(name)}` : '';
        const answer = await api(
          'PUT',
          `/api/plugins/${enc(connectorClass)}/validate${query}`,
          currentConfig(),
        );
        if (mine !== sequence || closed) return;
        result = answer;
        showResult();
      } catch (error) {
        if (mine === sequence) status.textContent = error.message;
      }
    }, 250);
  };

  const build = () => {
    fields.clear();
    if (!result) return fill(body);
    const byGroup = new Map();
    for (const c of result.configs) {
      const key = c.definition.name;
      if (key === 'name' || key === 'connector.class') continue;
      const group = c.definition.group || 'Other';
      if (!byGroup.has(group)) byGroup.set(group, []);
      byGroup.get(group).push(c);
    }
    const order = [
      ...result.groups.filter((g) => byGroup.has(g)),
      ...[...byGroup.keys()].filter((g) => !result.groups.includes(g)),
    ];
    fill(
      body,
      order.map((group) =>
        h(
          'fieldset',
          {},
          h('legend', {}, group),
          byGroup
            .get(group)
            .sort((a, b) => (a.definition.order ?? 0) - (b.definition.order ?? 0))
            .map((c) => field(c)),
        ),
      ),
    );
    showResult();
  };

  const field = (c) => {
    const d = c.definition;
    const key = d.name;
    const id = fieldId(key);
    const errorsEl = h('div', { class: 'errors', id: `${id}-errors` });
    const input = makeInput(d, c.value, values[key] ?? '', id);
    input.setAttribute('aria-describedby', `${id}-help ${id}-errors`);
    input.dataset.key = key;
    const onChange = () => {
      const v = input.value;
      if (v === '') delete values[key];
      else values[key] = v;
      touched.add(key);
      validate();
    };
    input.addEventListener('input', onChange);
    input.addEventListener('change', onChange);
    const row = h(
      'div',
      { class: 'field', 'data-field': key },
      h(
        'label',
        { for: id },
        h('span', { class: `name imp-${d.importance ?? ''}` }, d.display_name || key),
        h('span', { class: 'key mono' }, key),
      ),
      input,
      h(
        'div',
        { class: 'help', id: `${id}-help` },
        d.documentation ?? '',
        d.default_value !== null && d.default_value !== undefined && d.default_value !== ''
          ? [' Default: ', h('code', {}, d.default_value), '.']
          : d.required !== false && d.default_value === null
            ? ' Required.'
            : '',
      ),
      errorsEl,
    );
    fields.set(key, { row, input, errorsEl, definition: d });
    return row;
  };

  const showResult = () => {
    if (!result) return;
    let shown = 0;
    for (const c of result.configs) {
      const f = fields.get(c.value.name);
      if (!f) continue;
      f.row.hidden = c.value.visible === false;
      const errors = showAll || touched.has(c.value.name) ? c.value.errors : [];
      shown += errors.length;
      fill(
        f.errorsEl,
        errors.map((e) => h('div', {}, e)),
      );
      f.input.setAttribute('aria-invalid', errors.length ? 'true' : 'false');
      if (f.input.tagName === 'SELECT' && c.value.recommended_values?.length)
        updateChoices(f.input, c.value.recommended_values);
    }
    const hidden = result.error_count - shown;
    status.textContent =
      result.error_count === 0
        ? 'No errors'
        : `${result.error_count} error${result.error_count === 1 ? '' : 's'}${hidden > 0 ? ` (${hidden} in fields not yet filled)` : ''}`;
  };

  const save = async () => {
    if (jsonMode && !applyJson()) return;
    if (!nameInput.value.trim()) {
      toast('Give the connector a name', true);
      nameInput.focus();
      return;
    }
    if (!result || result.error_count > 0) {
      showAll = true;
      showResult();
      const first = [...fields.values()].find((f) => f.input.getAttribute('aria-invalid') === 'true');
      first?.input.focus();
      if (!first && result?.error_count) toast('The connector config has errors', true);
      return;
    }
    try {
      if (editing) {
        await api('PUT', `/api/connectors/${enc(name)}/config`, currentConfig());
        toast(`Saved ${name}`);
        location.hash = `#/connectors/${enc(name)}`;
      } else {
        const n = nameInput.value.trim();
        const config = currentConfig();
        delete config.name;
        await api('POST', '/api/connectors', { name: n, config });
        toast(`Created ${n}`);
        location.hash = `#/connectors/${enc(n)}`;
      }
    } catch (error) {
      toast(error.message, true);
    }
  };

  const json = h('textarea', {
    class: 'json mono',
    id: 'config-json',
    'aria-label': 'Connector config as JSON',
    spellcheck: 'false',
  });
  const jsonError = h('p', { class: 'error-text', role: 'alert' });
  const applyJson = () => {
    try {
      const parsed = JSON.parse(json.value);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('the config must be an object');
      const next = {};
      for (const [k, v] of Object.entries(parsed)) {
        if (typeof v !== 'string') throw new Error(`'${k}' must be a string`);
        next[k] = v;
      }
      if (next['connector.class'] && next['connector.class'] !== connectorClass) {
        if (editing) throw new Error('connector.class cannot change when editing');
        connectorClass = next['connector.class'];
        classSelect.value = connectorClass;
      }
      if (next.name && !editing) nameInput.value = next.name;
      delete next.name;
      delete next['connector.class'];
      values = next;
      for (const k of Object.keys(values)) touched.add(k);
      jsonError.textContent = '';
      return true;
    } catch (error) {
      jsonError.textContent = `Not a config: ${error.message}`;
      return false;
    }
  };
  const toggleJson = () => {
    if (jsonMode) {
      if (!applyJson()) return;
      jsonMode = false;
      jsonToggle.setAttribute('aria-pressed', 'false');
      build();
      validate();
      return;
    }
    jsonMode = true;
    jsonToggle.setAttribute('aria-pressed', 'true');
    json.value = pretty(currentConfig());
    fill(
      body,
      h('p', { class: 'muted' }, 'Edit the config as JSON; switch back to the form to see each field.'),
      json,
      jsonError,
    );
    json.focus();
  };

  const chooseClass = async (cls) => {
    connectorClass = cls;
    result = undefined;
    fill(body, h('p', { class: 'muted' }, 'Loading the definitions…'));
    try {
      result = await api(
        'PUT',
        `/api/plugins/${enc(cls)}/validate${editing ? `?connector=${enc(name)}` : ''}`,
        currentConfig(),
      );
      if (!closed && !jsonMode) build();
    } catch (error) {
      fill(body, h('p', { class: 'error-text' }, error.message));
    }
  };

  classSelect.addEventListener('change', () => {
    touched.clear();
    showAll = false;
    values = {};
    chooseClass(classSelect.value);
  });
  nameInput.addEventListener('input', () => connectorClass && validate());

  (async () => {
    try {
      if (editing) {
        const c = await api('GET', `/api/connectors/${enc(name)}`);
        values = { ...c.config };
        delete values.name;
        delete values['connector.class'];
        connectorClass = c.config['connector.class'];
        fill(classSelect, h('option', { value: connectorClass }, connectorClass));
        await chooseClass(connectorClass);
      } else {
        const plugins = (await api('GET', '/api/plugins')).filter(
          (p) => p.type === 'sink' || p.type === 'source',
        );
        fill(
          classSelect,
          h('option', { value: '' }, 'Choose a connector class…'),
          plugins.map((p) =>
            h('option', { value: p.class }, `${p.class} (${p.type}${p.version ? ` ${p.version}` : ''})`),
          ),
        );
      }
    } catch (error) {
      fill(body, h('p', { class: 'error-text' }, error.message));
    }
  })();

  return () => {
    closed = true;
    clearTimeout(timer);
  };
}

function makeInput(d, value, current, id) {
  const choices = d.type === 'BOOLEAN' ? ['true', 'false'] : (value.recommended_values ?? []);
  if (choices.length > 0) {
    const select = h('select', { id });
    updateChoices(select, choices, current, d.default_value);
    return select;
  }
  return h('input', {
    id,
    type: d.type === 'PASSWORD' ? 'password' : 'text',
    value: current,
    placeholder: d.default_value ?? '',
    autocomplete: d.type === 'PASSWORD' ? 'new-password' : 'off',
    inputmode: d.type === 'INT' || d.type === 'LONG' || d.type === 'SHORT' ? 'numeric' : undefined,
    spellcheck: 'false',
    title: d.type === 'PASSWORD' && current === MASK ? 'Stored secret; type to replace it' : undefined,
  });
}

/** The select's options: "(default …)" for unset, the recommended values, and the current value. */
function updateChoices(select, choices, current = select.value, fallback) {
  const wanted = [...new Set([...choices, ...(current ? [current] : [])])];
  const have = [...select.options].map((o) => o.value).slice(1);
  if (select.options.length && have.join('\n') === wanted.join('\n')) return;
  const defaultLabel = fallback ?? select.dataset.default;
  if (fallback !== undefined && fallback !== null) select.dataset.default = fallback;
  fill(
    select,
    h('option', { value: '' }, defaultLabel ? `(default: ${defaultLabel})` : '(not set)'),
    wanted.map((v) => h('option', { value: v }, v)),
  );
  select.value = current;
}
