import { createHash } from 'node:crypto';
import { Html, html, relativeHref } from './html.js';
import type { ReportItem, ReportModel, ReportPhoto } from './model.js';

/** Marks a file as a report spark-style wrote, which a later run may replace. */
export const REPORT_GENERATOR = 'spark-style report';

/** Thumbnails as data: URIs, keyed by absolute file path; missing when a file did not decode. */
type Thumbnails = ReadonlyMap<string, string>;

const STYLE = `
:root { color-scheme: light; --ink: #1d1d1f; --dim: #5f5f66; --line: #deddd8; --bad: #9b1c1c; --ok: #1f6f3f; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f6f5f1; }
header, main, footer { max-width: 1400px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 0 0 10px; word-break: break-all; }
h3 { font-size: 14px; margin: 6px 0 2px; }
h3 small { font-weight: normal; color: var(--dim); }
.meta, footer { color: var(--dim); }
.totals { display: flex; flex-wrap: wrap; gap: 8px 20px; margin: 12px 0; padding: 0; list-style: none; }
.totals b { font-variant-numeric: tabular-nums; }
.filters { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin: 8px 0; }
section.photo { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px; margin: 0 0 18px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 14px; }
.card { margin: 0; }
.card img, .card .none { display: block; width: 100%; height: 170px; object-fit: contain; background: #efeee9; border-radius: 4px; }
.card .none { display: flex; align-items: center; justify-content: center; color: var(--dim); text-align: center; padding: 8px; }
.card p { margin: 2px 0; word-break: break-word; }
.original h3 { color: var(--dim); }
.status-saved .status, .status-skipped .status { color: var(--ok); }
.failed .status, .failed .error { color: var(--bad); }
.hint { color: var(--dim); }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
[hidden] { display: none !important; }
`;

const SCRIPT = `
(function () {
  var select = document.getElementById('style-filter');
  var failures = document.getElementById('failures-only');
  var shown = document.getElementById('shown');
  function apply() {
    var style = select.value, onlyFailed = failures.checked, visible = 0, total = 0;
    document.querySelectorAll('article.item').forEach(function (item) {
      total++;
      var show = (!style || item.dataset.style === style) && (!onlyFailed || item.dataset.failed === 'true');
      item.hidden = !show;
      if (show) visible++;
    });
    document.querySelectorAll('section.photo').forEach(function (section) {
      section.hidden = !section.querySelector('article.item:not([hidden])');
    });
    shown.textContent = 'showing ' + visible + ' of ' + total + ' items';
  }
  select.addEventListener('change', apply);
  failures.addEventListener('change', apply);
  apply();
})();
`;

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * The report as one HTML document. It loads nothing: thumbnails are data: URIs, the style and
 * the script are inline and allowed by hash, and the Content-Security-Policy forbids every
 * other source, so even a name that slipped past escaping could not fetch or run anything.
 */
export function renderReport(model: ReportModel, thumbnails: Thumbnails): string {
  const csp = `default-src 'none'; img-src data:; style-src ${hashOf(STYLE)}; script-src ${hashOf(SCRIPT)}; base-uri 'none'; form-action 'none'`;
  const { summary } = model;
  const failedCount = model.photos.reduce((sum, photo) => sum + photo.items.filter(isFailure).length, 0);
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="${REPORT_GENERATOR}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>spark-style report</title>
<style>${rawCss(STYLE)}</style>
</head>
<body>
<header>
<h1>spark-style report</h1>
<p class="meta">Generated ${model.generatedAt}${model.offline ? ' · offline: made by the built-in emulator, imitations of the styles, nothing charged' : ''}${model.interrupted ? ' · interrupted: some items did not finish' : ''}</p>
<ul class="totals" id="totals">
<li>items <b>${summary.total}</b></li>
<li>saved <b>${summary.saved}</b></li>
<li>skipped <b>${summary.skipped}</b></li>
<li>failed <b>${summary.failed}</b></li>
<li>interrupted <b>${summary.interrupted}</b></li>
<li>cancelled <b>${summary.cancelled}</b></li>
<li>tasks created <b>${summary.tasks_created}</b></li>
<li>cost <b>$${summary.cost_usd}</b></li>
${summary.budget_usd === null ? '' : html`<li>budget <b>$${summary.spent_usd} of $${summary.budget_usd}</b>${summary.not_started_budget ? ` (${summary.not_started_budget} not started)` : ''}</li>\n`}<li>time <b>${(summary.wall_ms / 1000).toFixed(1)} s</b></li>
</ul>
<div class="filters">
<label>Style <select id="style-filter">
<option value="">all styles (${model.styles.length})</option>
${model.styles.map((style) => html`<option value="${style.alias}">${style.alias} · ${style.name}</option>`)}
</select></label>
<label><input type="checkbox" id="failures-only"> only failures (${failedCount})</label>
<span id="shown" class="meta"></span>
</div>
</header>
<main>
${model.photos.map((photo) => photoSection(photo, thumbnails))}
</main>
<footer>Thumbnails are embedded; each links to the full image by a path relative to this file.</footer>
<script>${rawScript(SCRIPT)}</script>
</body>
</html>
`;
  return page.text;
}

function photoSection(photo: ReportPhoto, thumbnails: Thumbnails): Html {
  return html`<section class="photo">
<h2>${photo.input}</h2>
<div class="grid">
<figure class="card original">
${picture(photo.original, thumbnails, `${photo.name}, original`, photo.original ? 'original not readable' : 'not a local file')}
<h3>original</h3>
<p>${photo.name}</p>
</figure>
${photo.items.map((item) => itemCard(photo, item, thumbnails))}
</div>
</section>
`;
}

function itemCard(photo: ReportPhoto, item: ReportItem, thumbnails: Thumbnails): Html {
  const failed = isFailure(item);
  const cost = item.cost === null ? null : `$${item.cost}${item.created ? '' : ' (earlier run)'}`;
  return html`<article class="card item status-${item.status}${failed ? ' failed' : ''}" data-style="${item.style}" data-status="${item.status}" data-failed="${failed ? 'true' : 'false'}">
${picture(item.output, thumbnails, `${photo.name} in ${item.style}`, item.error ? item.error.code : 'no result')}
<h3>${item.style} <small>${item.styleName}</small></h3>
<p class="status">${item.status}</p>
${item.taskId ? html`<p>task <code>${item.taskId}</code>${cost ? html` · ${cost}` : ''}</p>` : ''}
${item.error ? html`<p class="error"><code>${item.error.code}</code> ${withoutCode(item.error.message, item.error.code)}</p>` : ''}
${item.hint && failed ? html`<p class="hint">${item.hint}</p>` : ''}
${item.notes.map((note) => html`<p class="hint">${note}</p>`)}
</article>
`;
}

function picture(file: { path: string; href: string } | null, thumbnails: Thumbnails, alt: string, instead: string): Html {
  const thumb = file ? thumbnails.get(file.path) : undefined;
  if (!file || !thumb) return html`<div class="none">${instead}</div>`;
  return html`<a href="${relativeHref(file.href)}"><img src="${thumb}" alt="${alt}"></a>`;
}

/** Local checks start their message with the rule, which the report already shows as a code. */
function withoutCode(message: string, code: string): string {
  return message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message;
}

function isFailure(item: ReportItem): boolean {
  return item.status === 'failed' || item.status === 'interrupted' || item.status === 'cancelled';
}

// Our own constant CSS and script go in as they are: they contain no "</".
function rawCss(text: string): Html {
  return new Html(text);
}
function rawScript(text: string): Html {
  return new Html(text);
}
