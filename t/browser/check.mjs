// Browser checks of the default theme in Debian's Chromium, driven by playwright-core:
//   node t/browser/check.mjs BASE_URL OUTDIR
// Loads home, section and article pages at phone and desktop sizes (and desktop in dark mode),
// and checks: no console errors, no failed requests, no request to another host, the
// breadcrumb visible and in order, exactly one h1, no horizontal scrolling, no serious or
// critical axe-core violation. Screenshots go to OUTDIR. Prints TAP ("1..N", "ok"/"not ok",
// "# " diagnostics) and exits 1 when a check fails.
import { chromium } from 'playwright-core';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [base, outdir] = process.argv.slice(2);
if (!base || !outdir) {
  console.error('usage: node check.mjs BASE_URL OUTDIR');
  process.exit(2);
}
const origin = new URL(base).origin;
const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// crumbs: the breadcrumb's items, Home first and the current page last; null: no breadcrumb.
const PAGES = [
  { name: 'home', path: '/news/', crumbs: null },
  { name: 'section', path: '/news/news-and-events/', crumbs: ['Home', 'News and Events'] },
  {
    name: 'article',
    path: '/news/news-and-events/ich-news/sharing-good-practices.html',
    crumbs: ['Home', 'News and Events', 'ICH News',
             'Sharing of Information and Good Practices on Safeguarding'],
    openShare: true,
  },
  {
    name: 'article-zh',
    path: '/zh/xinwen/feiyi-baohu.html',
    crumbs: ['首页', '新闻动态', '非遗保护经验交流会召开'],
    openShare: true,
  },
  { name: 'search', path: '/news/search?q=safeguarding', crumbs: ['Home', 'Search'] },
  { name: 'search-zh', path: '/zh/search?q=%E9%9D%9E%E9%81%97', crumbs: ['首页', '搜索'] },
];
const MODES = [
  { name: 'phone', width: 390, height: 844, colorScheme: 'light' },
  { name: 'desktop', width: 1366, height: 900, colorScheme: 'light' },
  { name: 'desktop-dark', width: 1366, height: 900, colorScheme: 'dark' },
];
const CHECKS = 7;
// Pages with openShare get one more: the Weixin panel opens without moving the share buttons.
const SHARE_CHECKS = 1;

let n = 0;
let failed = 0;
function report(ok, desc, details = []) {
  n++;
  if (!ok) failed++;
  console.log(`${ok ? 'ok' : 'not ok'} ${n} - ${desc}`);
  for (const d of details) console.log(`# ${String(d).replace(/\n/g, '\n# ')}`);
}

console.log(`1..${PAGES.length * MODES.length * CHECKS +
  PAGES.filter((p) => p.openShare).length * MODES.length * SHARE_CHECKS}`);
fs.mkdirSync(outdir, { recursive: true });
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'newsportal-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
});

// Requests to any other host are recorded and never sent.
const foreign = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('data:') || new URL(url).origin === origin) return route.continue();
  foreign.push(url);
  return route.abort('blockedbyclient');
});

try {
  for (const p of PAGES) {
    for (const m of MODES) {
      await checkPage(p, m);
    }
  }
} finally {
  await context.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

async function checkPage(p, m) {
  const tag = `${p.path} ${m.name}`;
  const page = await context.newPage();
  await page.setViewportSize({ width: m.width, height: m.height });
  await page.emulateMedia({ colorScheme: m.colorScheme });
  const consoleErrors = [];
  const failedRequests = [];
  const start = foreign.length;
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${msg.text()} (${msg.location().url || ''})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (new URL(req.url()).origin === origin) failedRequests.push(`${req.url()}: ${req.failure()?.errorText}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) failedRequests.push(`${res.url()}: HTTP ${res.status()}`);
  });

  const res = await page.goto(base.replace(/\/$/, '') + p.path, { waitUntil: 'load' });
  if (!res || res.status() !== 200) failedRequests.push(`${p.path}: HTTP ${res ? res.status() : 'none'}`);
  await page.waitForLoadState('networkidle').catch(() => {});
  // Lazy images below the fold load when scrolled to: scroll through the page once.
  await page.evaluate(async () => {
    for (let y = 0; y < document.documentElement.scrollHeight; y += window.innerHeight) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState('networkidle').catch(() => {});

  const file = path.join(outdir, `${p.name}-${m.name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  let shareProblems = null;
  if (p.openShare) {
    // Open the Weixin QR code so that axe sees it too, and keep a picture of it. Opening it
    // must not move any share button (no gap, no broken row): the panel opens below the row
    // or over the page, inside the viewport.
    const summary = page.locator('.share details summary');
    shareProblems = [];
    if (await summary.count()) {
      const boxes = () => page.evaluate(() => [...document.querySelectorAll('.share li > a, .share summary')]
        .map((el) => { const r = el.getBoundingClientRect(); return { text: el.textContent.trim(), x: r.x + scrollX, y: r.y + scrollY, w: r.width, h: r.height }; }));
      const before = await boxes();
      await summary.first().click();
      const after = await boxes();
      before.forEach((b, i) => {
        const a = after[i];
        if (!a || Math.abs(a.x - b.x) > 0.5 || Math.abs(a.y - b.y) > 0.5 || Math.abs(a.w - b.w) > 0.5 || Math.abs(a.h - b.h) > 0.5) {
          shareProblems.push(`"${b.text}" moved: ${JSON.stringify(b)} -> ${JSON.stringify(a)}`);
        }
      });
      const panel = await page.evaluate(() => {
        const d = document.querySelector('.share details[open]');
        const box = d && d.querySelector('.qr-box');
        const s = d && d.querySelector('summary');
        if (!box) return null;
        const r = box.getBoundingClientRect(), q = s.getBoundingClientRect();
        return { top: r.top, left: r.left, right: r.right, w: r.width, h: r.height, summaryBottom: q.bottom,
                 width: document.documentElement.clientWidth };
      });
      if (!panel || panel.w < 100 || panel.h < 100) shareProblems.push(`QR code not shown: ${JSON.stringify(panel)}`);
      else {
        if (panel.top < panel.summaryBottom) shareProblems.push(`the QR code starts above the button's bottom: ${JSON.stringify(panel)}`);
        if (panel.left < 0 || panel.right > panel.width) shareProblems.push(`the QR code leaves the viewport: ${JSON.stringify(panel)}`);
      }
      // The section and the open panel, which lies over the page below it.
      const clip = await page.evaluate(() => {
        const a = document.querySelector('.share').getBoundingClientRect();
        const b = document.querySelector('.share details[open] .qr-panel')?.getBoundingClientRect() ?? a;
        const top = Math.min(a.top, b.top) + scrollY, left = Math.min(a.left, b.left) + scrollX;
        return { x: left, y: top, width: Math.max(a.right, b.right) + scrollX - left,
                 height: Math.max(a.bottom, b.bottom) + scrollY - top };
      });
      await page.screenshot({ path: path.join(outdir, `${p.name}-${m.name}-share.png`), clip, fullPage: true });
    } else {
      shareProblems.push('no Weixin <details> in the share section');
    }
  }

  if (shareProblems) {
    report(shareProblems.length === 0, `${tag}: the Weixin panel opens without moving the share buttons`, shareProblems);
  }
  report(consoleErrors.length === 0, `${tag}: no console errors`, consoleErrors);
  report(failedRequests.length === 0, `${tag}: no failed requests`, failedRequests);
  const mine = foreign.slice(start);
  report(mine.length === 0, `${tag}: no requests to other hosts`, mine);

  // Breadcrumb: visible, items in reading order, Home first, the current page last.
  const crumb = await page.evaluate(() => {
    const nav = document.querySelector('nav.breadcrumb');
    if (!nav) return null;
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const items = [...nav.querySelectorAll('li')].map((li) => {
      const r = li.getBoundingClientRect();
      return {
        text: li.textContent.trim(),
        current: li.querySelector('[aria-current="page"]') !== null,
        link: li.querySelector('a[href]') !== null,
        visible: visible(li),
        x: r.left,
        y: r.top,
        h: r.height,
      };
    });
    return { label: nav.getAttribute('aria-label'), visible: visible(nav), items,
             currents: nav.querySelectorAll('[aria-current="page"]').length };
  });
  const problems = [];
  if (p.crumbs === null) {
    if (crumb) problems.push('the home page has a breadcrumb');
  } else if (!crumb) {
    problems.push('no <nav class="breadcrumb">');
  } else {
    const texts = crumb.items.map((i) => i.text);
    if (!crumb.label) problems.push('the nav has no aria-label');
    if (!crumb.visible) problems.push('the breadcrumb is not visible');
    if (JSON.stringify(texts) !== JSON.stringify(p.crumbs)) {
      problems.push(`items ${JSON.stringify(texts)}, expected ${JSON.stringify(p.crumbs)}`);
    }
    crumb.items.forEach((it, i) => {
      const last = i === crumb.items.length - 1;
      if (!it.visible) problems.push(`item ${i + 1} (${it.text}) is not visible`);
      if (last && !it.current) problems.push('the last item lacks aria-current="page"');
      if (!last && (it.current || !it.link)) problems.push(`item ${i + 1} should be a link, not current`);
      if (i > 0) {
        const prev = crumb.items[i - 1];
        const sameLine = Math.abs(it.y - prev.y) < Math.min(it.h, prev.h) / 2;
        if (sameLine ? it.x <= prev.x : it.y < prev.y) problems.push(`item ${i + 1} is drawn before item ${i}`);
      }
    });
    if (crumb.currents !== 1) problems.push(`${crumb.currents} elements with aria-current="page"`);
  }
  report(problems.length === 0, `${tag}: breadcrumb ${p.crumbs ? 'visible and in order' : 'absent on the home page'}`, problems);

  const h1 = await page.evaluate(() => [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()));
  report(h1.length === 1, `${tag}: exactly one h1`, h1.length === 1 ? [] : [`h1: ${JSON.stringify(h1)}`]);

  const over = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > w + 1 && !el.closest('.site-nav ul, table, pre'))
      .slice(0, 5)
      .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}"> right=${Math.round(el.getBoundingClientRect().right)}`);
    return { scroll: document.documentElement.scrollWidth, width: w, out };
  });
  report(over.scroll <= over.width, `${tag}: no horizontal scrolling`,
    over.scroll <= over.width ? [] : [`scrollWidth ${over.scroll} > ${over.width}`, ...over.out]);

  await page.addScriptTag({ content: axeSource });
  const axe = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((nd) => `${nd.target.join(' ')}: ${nd.failureSummary.replace(/\s+/g, ' ')}`),
    }));
  });
  const bad = axe.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const lines = [];
  for (const v of axe) {
    lines.push(`axe ${v.impact} ${v.id}: ${v.help}`);
    for (const nd of v.nodes) lines.push(`    ${nd}`);
  }
  report(bad.length === 0, `${tag}: no serious or critical axe violations (${axe.length} in all)`, lines);
  await page.close();
}
