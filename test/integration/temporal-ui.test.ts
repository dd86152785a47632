import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { fixtureApp, useBlueGreenWorld, viaEdge, waitForPhase } from '../support/blue-green';
import { readUiMetadata, uiGaps } from '../support/ui-metadata';
import {
  clickVisible,
  frameWithText,
  launchBrowser,
  openShowing,
  scrollToText,
  textOf,
  waitForText,
} from '../support/browser';

// The on-call path, the way a person walks it: a blue-green deploy waits for approval; the Temporal
// UI's workflow page says what it does (summary and details), what it waits on and how to answer
// (current details), and what each step did (activity summaries in the event history); the approve
// signal goes through the UI's own Send Signal dialog, and the deploy completes (the edge answers v2).
// Screenshots of the key screens are kept in docs/images/ (docs/temporal-ui.md shows them).

const world = useBlueGreenWorld('ui', { healthTimeoutMs: 60_000, bakeMs: 500 });
const { service, deploy } = world;
// Screenshots go to a temporary directory; DOCKHAND_UI_SCREENSHOTS=docs/images refreshes the docs' copies
// (a test run leaves the working tree as it was).
const IMAGES = path.resolve(process.env.DOCKHAND_UI_SCREENSHOTS ?? path.join(os.tmpdir(), 'dockhand-ui-screenshots'));
const WAIT = 90_000; // elements on a loaded 2-core machine: generous, and never a fixed sleep

let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(IMAGES, { recursive: true });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  page.setDefaultTimeout(WAIT);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

/** A screenshot for the docs (the top `height` pixels when given: small files). */
async function shot(name: string, height?: number): Promise<void> {
  await page.screenshot({
    path: path.join(IMAGES, `${name}.png`),
    ...(height ? { clip: { x: 0, y: 0, width: 1280, height } } : {}),
  });
}

describe('the Temporal UI explains a deploy waiting for approval and approves it', { timeout: 360_000 }, () => {
  it('current details, summaries and the Send Signal dialog: approve → v2 serves', async () => {
    onTestFailed(async () => {
      const file = path.join(os.tmpdir(), `temporal-ui-failure-${world.ids.suffix}.png`);
      await page?.screenshot({ path: file }).catch(() => undefined);
      console.error(`the Temporal UI page at the failure: ${file}`);
    });
    const v1 = await (await deploy('v1')).result();
    const edgePort = v1.edge.hostPort;
    expect(await viaEdge(edgePort)).toBe('200 v1\n');

    // The dev server's UI has no login, so it records no identity with a signal: this service lets such
    // answers count (approval.allowUnidentified), as the local demo does.
    const handle = await deploy('v2', {
      approval: { required: true, timeoutMs: 600_000, approvers: [], allowUnidentified: true },
    });
    await waitForPhase(handle, 'awaiting-approval', WAIT);

    const url = `${world.config.temporalUiUrl}/namespaces/${world.config.temporalNamespace}/workflows/${encodeURIComponent(handle.workflowId)}`;
    await openShowing(page, url, 'Current Details', 2 * WAIT);

    // Current details: what it waits on and how to answer (the CLI command and the signal name/input).
    await page.locator('::-p-text(Current Details)').click();
    const current = await textOf(await frameWithText(page, `dockhand approve ${service}`, WAIT));
    expect(current).toContain('Phase awaiting-approval');
    expect(current).toContain(`${fixtureApp('v1')} (blue) → ${fixtureApp('v2')} (green`);
    expect(current).toContain('name approve, input {"comment": "<why>"}');
    expect(current).toContain(`dockhand reject ${service}`);
    expect(current).toContain('Waiting on:');
    await shot('ui-current-details', 620);

    // Summary & details: what the run is, given at its start.
    await page.locator('::-p-text(Summary & Details)').click();
    const details = await textOf(await frameWithText(page, 'runs the new color beside the live one', WAIT));
    expect(details).toContain('blueGreenDeploy');
    expect(details).toContain(`dockhand approve ${service}`);
    expect(details).not.toContain('--by'); // who answers is the identity Temporal records, never a typed name
    await waitForText(page, `blue-green deploy of ${service} to ${fixtureApp('v2')}`, WAIT);
    await shot('ui-summary-and-details', 900);
    await page.locator('::-p-text(Summary & Details)').click(); // fold it again

    // The event history reads as the runbook: each activity with its summary.
    for (const step of [
      `list the containers of ${service}`,
      `create container ${service}-green (${fixtureApp('v2')})`,
      `wait until ${service}-green is healthy`,
      'approval window: rejected unless someone answers approve/reject',
    ])
      await waitForText(page, step, WAIT);
    await scrollToText(page, 'h1, h2, h3', 'Event History');
    await shot('ui-event-history');

    // Approve through the UI's own Send Signal dialog.
    await clickVisible(page, '#workflow-actions-menu-button');
    await clickVisible(page, '[data-testid="signal-button"]');
    await clickVisible(page, '[data-testid="signal-select-button"]');
    // The dialog lists the workflow's signals with their descriptions (the SDK's metadata query).
    await waitForText(page, 'Approve the step this workflow waits on', WAIT);
    await waitForText(page, 'Switch back to the previous color during the bake window', WAIT);
    await clickVisible(page, '[role="option"]', 'approve');
    await clickVisible(page, '[data-testid="signal-confirmation-modal"] .cm-content');
    await page.keyboard.down('Control');
    await page.keyboard.press('a');
    await page.keyboard.up('Control');
    await page.keyboard.sendCharacter('{"by": "ui-test", "comment": "looks good in the UI"}');
    await shot('ui-send-signal');
    await clickVisible(page, '[data-testid="signal-confirmation-modal"] button', 'Submit');

    const result = await handle.result();
    expect(result).toMatchObject({
      liveColor: 'green',
      image: fixtureApp('v2'),
      approval: { outcome: 'approved', by: 'unidentified', comment: 'looks good in the UI' },
    });
    expect(await viaEdge(edgePort)).toBe('200 v2\n');
    // The whole real run, approval and bake included: every step had its summary.
    const meta = await readUiMetadata(handle);
    expect(uiGaps('blueGreenDeploy', meta)).toEqual([]);
    expect(meta.steps.filter((s) => s.kind === 'timer').map((s) => s.summary)).toEqual([
      'approval window: rejected unless someone answers approve/reject',
      'bake window: the `rollback` signal switches back until it ends',
    ]);
    await openShowing(page, url, 'Completed', WAIT);
    await page.locator('::-p-text(Current Details)').click();
    await frameWithText(page, 'Phase done', WAIT);
    await shot('ui-completed', 620);
  });
});
