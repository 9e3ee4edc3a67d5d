import uPlot from '/vendor/uplot/uPlot.esm.js';
import { h } from './lib.js';

const palette = ['#2b8a86', '#d97706', '#7c3aed', '#dc2626', '#2563eb', '#16a34a', '#db2777', '#0891b2'];

/**
 * A live line chart: `push(t, values)` adds a point per series (series may appear later, by
 * label), keeping the last `keep` points. Colours come from the page's text colour, so dark and
 * light mode both read.
 */
export function liveChart(container, title, unit, keep = 120) {
  const box = h('figure', { class: 'chart', 'aria-label': title });
  box.append(h('figcaption', {}, title));
  container.append(box);
  const labels = [];
  const times = [];
  const columns = [];
  let plot;
  const text = getComputedStyle(document.body).color;
  const grid = 'rgba(128,128,128,0.25)';
  const build = () => {
    plot?.destroy();
    const width = Math.max(300, box.clientWidth - 16);
    plot = new uPlot(
      {
        width,
        height: 200,
        // At least the last 90 s, so a few points do not span years.
        scales: {
          x: { time: true, range: (_u, min, max) => [Math.min(min ?? max - 90, max - 90), max] },
          // From zero, so a small change does not look like a cliff.
          y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.1)] },
        },
        axes: [
          {
            stroke: text,
            grid: { stroke: grid },
            space: 70,
            values: (_u, splits) => splits.map((t) => new Date(t * 1000).toTimeString().slice(0, 8)),
          },
          { stroke: text, grid: { stroke: grid }, label: unit, size: 60 },
        ],
        series: [{}, ...labels.map((label, i) => ({ label, stroke: palette[i % palette.length], width: 2 }))],
      },
      [times, ...columns],
      box,
    );
  };
  build();
  return {
    push(t, values) {
      let rebuild = false;
      for (const label of Object.keys(values)) {
        if (!labels.includes(label)) {
          labels.push(label);
          columns.push(times.map(() => null));
          rebuild = true;
        }
      }
      times.push(t / 1000);
      labels.forEach((label, i) => {
        columns[i].push(values[label] ?? null);
      });
      if (times.length > keep) {
        times.shift();
        for (const c of columns) c.shift();
      }
      if (rebuild) build();
      else plot.setData([times, ...columns]);
      // How many points it shows, for the browser tests.
      box.dataset.points = String(times.length);
    },
    get points() {
      return times.length;
    },
  };
}
