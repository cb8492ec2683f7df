/* The operator's page: the admin API (/admin/*) behind buttons, for the people who run a drop.
 * The admin token stays in this tab (sessionStorage) and goes only to this origin. Every action
 * that changes a drop asks for the campaign id to be typed (a click on the wrong row must not
 * pause the wrong drop), and says what the server answered. Plain browser JavaScript, no build;
 * every value reaches the page through textContent. */
/* global document, window, fetch, sessionStorage */
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const fmt = (n) => (n === null || n === undefined ? '—' : Number(n).toLocaleString('en-US'));
  const when = new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  });
  let token = sessionStorage.getItem('adminToken') || '';

  function status(text, failed = false) {
    $('status').textContent = text;
    $('status').className = failed ? 'failed' : '';
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      cache: 'no-store',
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = json.error || {};
      const fields = (error.fields || []).map((f) => `${f.field} ${f.message}`).join('; ');
      throw new Error(`${response.status} ${error.code || ''}: ${error.message || ''} ${fields}`);
    }
    return json;
  }

  /** The operator types the campaign id: the confirmation a destructive action deserves. */
  function confirmed(action, campaignId) {
    const typed = window.prompt(`${action} ${campaignId}? Type the campaign id to confirm.`);
    return typed !== null && typed.trim() === campaignId;
  }

  function reasonFor(action) {
    const reason = window.prompt(`Why ${action}? (kept in the audit trail; may be left empty)`);
    return reason ? { reason: reason.slice(0, 500) } : {};
  }

  async function act(campaign, action) {
    const id = campaign.campaignId;
    try {
      if (action === 'publish') {
        const preview = await call('GET', `/admin/campaigns/${encodeURIComponent(id)}/preview`);
        const lines = preview.warnings.map((w) => `• ${w.code}: ${w.message}`);
        const window_ = `opens ${preview.window.opens}, closes ${preview.window.closes || 'never'}`;
        if (
          !confirmed(`Publish (${window_}${lines.length ? `)\n${lines.join('\n')}\n(` : ''})`, id)
        ) {
          return status(`publish of ${id}: not confirmed, nothing changed`);
        }
        const acknowledge = preview.warnings.map((w) => w.code);
        await call('POST', `/admin/campaigns/${encodeURIComponent(id)}/publish`, {
          acknowledge,
          ...reasonFor('publish'),
        });
      } else {
        if (!confirmed(action[0].toUpperCase() + action.slice(1), id)) {
          return status(`${action} of ${id}: not confirmed, nothing changed`);
        }
        await call(
          'POST',
          `/admin/campaigns/${encodeURIComponent(id)}/${action}`,
          reasonFor(action),
        );
      }
      status(`${action}: ${id} done`);
    } catch (error) {
      status(`${action} of ${id} failed: ${error.message}`, true);
    }
    await refresh();
  }

  function actionsFor(campaign) {
    const phase = campaign.phase;
    if (phase === 'draft') return ['publish'];
    if (phase === 'ended') return [];
    return [campaign.paused ? 'resume' : 'pause', 'end'];
  }

  function renderCampaigns(campaigns) {
    const tbody = document.querySelector('#campaigns tbody');
    tbody.replaceChildren();
    for (const c of campaigns) {
      const row = tbody.appendChild(document.createElement('tr'));
      row.dataset.campaignId = c.campaignId;
      const id = row.appendChild(document.createElement('td'));
      id.className = 'id';
      id.appendChild(document.createElement('code')).textContent = c.campaignId;
      id.appendChild(document.createElement('div')).textContent = c.name;
      const phase = row
        .appendChild(document.createElement('td'))
        .appendChild(document.createElement('span'));
      phase.textContent = c.phase;
      phase.className = `badge ${c.phase === 'live' ? 'open' : c.phase}`;
      phase.dataset.field = 'phase';
      for (const f of ['totalQuantity', 'issued', 'active', 'remaining']) {
        const td = row.appendChild(document.createElement('td'));
        td.className = 'num';
        td.textContent = fmt(c[f]);
      }
      const actions = row.appendChild(document.createElement('td'));
      for (const action of actionsFor(c)) {
        const button = actions.appendChild(document.createElement('button'));
        button.type = 'button';
        button.textContent = action;
        button.dataset.action = action;
        button.addEventListener('click', () => act(c, action));
      }
    }
    if (campaigns.length === 0) {
      const td = tbody
        .appendChild(document.createElement('tr'))
        .appendChild(document.createElement('td'));
      td.colSpan = 7;
      td.textContent = 'no campaigns yet: create one with POST /admin/campaigns';
    }
  }

  /** Only what changed, as `field: before → after`. */
  function change(entry) {
    const before = entry.before || {};
    const after = entry.after || {};
    return Object.keys(after)
      .map((k) =>
        k in before
          ? `${k}: ${JSON.stringify(before[k])} → ${JSON.stringify(after[k])}`
          : `${k}: ${JSON.stringify(after[k])}`,
      )
      .join(', ');
  }

  function renderAudit(entries) {
    const tbody = document.querySelector('#audit tbody');
    tbody.replaceChildren();
    for (const entry of entries) {
      const row = tbody.appendChild(document.createElement('tr'));
      row.dataset.action = entry.action;
      for (const text of [
        when.format(new Date(entry.at)),
        entry.actor,
        entry.action,
        entry.campaignId || '',
        entry.reason || '',
        change(entry),
      ]) {
        row.appendChild(document.createElement('td')).textContent = text;
      }
    }
  }

  async function refresh() {
    if (!token) return;
    try {
      const [list, audit] = await Promise.all([
        call('GET', '/admin/campaigns'),
        call('GET', '/admin/audit?limit=50'),
      ]);
      renderCampaigns(list.campaigns);
      renderAudit(audit.entries);
      $('who').textContent = 'signed in';
    } catch (error) {
      status(`could not read the campaigns: ${error.message}`, true);
    }
  }

  $('sign-in').addEventListener('submit', async (event) => {
    event.preventDefault();
    token = $('token').value;
    sessionStorage.setItem('adminToken', token);
    $('token').value = '';
    status('signed in');
    await refresh();
  });

  $('revoke').addEventListener('submit', async (event) => {
    event.preventDefault();
    const campaignId = $('revoke-campaign').value.trim();
    const userId = $('revoke-user').value.trim();
    if (!confirmed(`Revoke the coupon of ${userId} in`, campaignId)) {
      return status('revoke: not confirmed, nothing changed');
    }
    const reason = $('revoke-reason').value.trim();
    try {
      const answer = await call(
        'POST',
        `/admin/campaigns/${encodeURIComponent(campaignId)}/coupons/${encodeURIComponent(userId)}/revoke`,
        { returnToStock: $('revoke-return').checked, ...(reason ? { reason } : {}) },
      );
      status(`${answer.status}: ${userId} in ${campaignId} (sequence ${answer.sequence})`);
    } catch (error) {
      status(`revoke failed: ${error.message}`, true);
    }
    await refresh();
  });

  void refresh();
  window.setInterval(() => void refresh(), 2000);
})();
