// The dataset card and the self-contained visual report, rendered in headless Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../helpers/browser.ts';
import type { DevServer } from '../../src/temporal/devServer.ts';
import { runCli } from '../helpers/cli.ts';
import { startTestTemporal } from '../helpers/servers.ts';

let server: DevServer;
let dataset: string;
let browser: Browser;

before(async () => {
  server = await startTestTemporal();
  dataset = join(mkdtempSync(join(tmpdir(), 'report-')), 'ds');
  const result = await runCli(['generate', '--patients', '8', '--days', '1', '--seed', '8', '--out', dataset, '--workers', '2'], {
    TEMPORAL_ADDRESS: server.address,
  });
  assert.equal(result.code, 0, result.stderr);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('dataset card and report', () => {
  it('DATASET_CARD.md says what the data is, how to reproduce it, and shows prevalence per split', () => {
    const card = readFileSync(join(dataset, 'DATASET_CARD.md'), 'utf8');
    assert.match(card, /Synthetic data/);
    assert.match(card, /not .*clinical decisions/i);
    assert.match(card, /UVA\/Padova/);
    assert.match(card, /npm run generate -- --patients 8 --days 1 .*--seed 8/);
    for (const label of ['label_hypoglycemia_risk', 'label_autonomic_dysregulation'])
      assert.match(card, new RegExp(`\\| \`${label}\` \\|`));
    assert.match(card, /\| 1 `[0-9a-f]{8}` \| 8 \(0–7\)/);
  });

  it('report.html loads with no console errors and no network request, and shows the charts', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(String(error)));
    page.on('request', (request) => !request.url().startsWith('file://') && requests.push(request.url()));
    await page.goto(`file://${join(dataset, 'report.html')}`, { waitUntil: 'load' });
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
    for (const id of ['labels', 'tir', 'glucose', 'example', 'cgm-week', 'correlation']) {
      const svgs = await page.locator(`figure#${id} svg`).count();
      assert.equal(svgs, 1, `figure ${id}`);
      const box = await page.locator(`figure#${id} svg`).boundingBox();
      assert.ok(box && box.width > 300 && box.height > 200, `figure ${id} is drawn`);
    }
    // The example day plots all 14 signals, and the heatmap has 14×14 cells.
    assert.equal((await page.locator('figure#example svg path[fill="none"]').count()) >= 14, true);
    assert.ok((await page.locator('figure#example svg text', { hasText: 'glucose_mgdl' }).count()) >= 1);
    // The patient-week marks its sensor changes and shades warm-ups and compression lows.
    assert.ok((await page.locator('figure#cgm-week svg text', { hasText: 'new sensor' }).count()) >= 1);
    for (const legend of ['warm-up', 'compression low', 'plasma glucose'])
      assert.ok((await page.locator('figure#cgm-week svg text', { hasText: legend }).count()) >= 1, legend);
    const screenshot = join(tmpdir(), `report-${Date.now()}.png`);
    await page.screenshot({ path: screenshot, fullPage: true });
    assert.ok(existsSync(screenshot));
    await page.close();
  });
});
