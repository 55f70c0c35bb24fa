/** The dashboards' only script: refreshes a page's live section from its JSON endpoint, without a page reload. */
import { css } from './layout';

export const appJs = `(() => {
  const live = document.getElementById('live');
  if (!live) return;
  const api = live.dataset.api;
  const every = Number(live.dataset.refresh || 0) * 1000;
  const banner = document.getElementById('banner');
  const stamp = document.getElementById('refreshed');
  let busy = false;
  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const r = await fetch(api + location.search, { headers: { accept: 'application/json' } });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || r.statusText);
      live.innerHTML = body.html;
      banner.innerHTML = (body.problems || []).map((p) => p.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c])).join('<br>');
      banner.className = 'banner' + ((body.problems || []).length ? '' : ' ok');
      if (stamp) stamp.textContent = new Date().toLocaleTimeString();
    } catch (e) {
      banner.textContent = 'The dashboard server did not answer (' + e.message + '); retrying.';
      banner.className = 'banner';
    } finally {
      busy = false;
    }
  }
  const button = document.getElementById('refresh');
  if (button) button.addEventListener('click', refresh);
  if (every) setInterval(refresh, every);
})();
`;

export const styleCss = css;
