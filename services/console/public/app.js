import { connectorPage } from './pages/connector.js';
import { dlqPage } from './pages/dlq.js';
import { formPage } from './pages/form.js';
import { overviewPage } from './pages/overview.js';
import { shopPage } from './pages/shop.js';
import { topicPage, topicsPage } from './pages/topics.js';

// Hash routes: the server serves one page, so a reload or a shared link lands where it was.
const routes = [
  [/^#?\/?$/, () => overviewPage, '#/'],
  [/^#\/new$/, () => (main) => formPage(main, undefined), '#/new'],
  [/^#\/connectors\/([^/]+)\/edit$/, (name) => (main) => formPage(main, name), ''],
  [/^#\/connectors\/([^/]+)$/, (name) => (main) => connectorPage(main, name), ''],
  [/^#\/topics$/, () => topicsPage, '#/topics'],
  [/^#\/topics\/([^/]+)$/, (name) => (main) => topicPage(main, name), '#/topics'],
  [/^#\/dlq(?:\?.*)?$/, () => dlqPage, '#/dlq'],
  [/^#\/shop$/, () => shopPage, '#/shop'],
];

let cleanup;

function render() {
  const main = document.getElementById('main');
  cleanup?.();
  cleanup = undefined;
  main.replaceChildren();
  const hash = location.hash || '#/';
  for (const [pattern, page, nav] of routes) {
    const match = pattern.exec(hash);
    if (!match) continue;
    for (const link of document.querySelectorAll('.top nav a')) {
      if (link.getAttribute('href') === nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const args = match.slice(1).map((part) => decodeURIComponent(part));
    cleanup = page(...args)(main);
    return;
  }
  main.append(Object.assign(document.createElement('h1'), { textContent: 'No such page' }));
}

window.addEventListener('hashchange', () => {
  render();
  document.getElementById('main').focus({ preventScroll: true });
});
render();
