import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import type { Call } from '#shared';
import {
  type AgentSocket,
  ask,
  firstRoster,
  openAgentSocket,
} from '../tools/virtual-companion/src/agent-socket';
import { type DemoServer, expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

/**
 * History against a real demo server: calls placed through a second agent socket to virtual phones
 * (answered, declined, a phone calling in and hanging up, and calls to a staff member with no
 * phone), then filtered, paged, opened and exported from the console.
 */

const CSV_HEADER =
  'id,direction,staff_id,agent_id,outcome,created_at,answered_at,ended_at,duration_s,answered_by_device,devices,transfers,quality,mos,disposition,note';

/** A second console, as a script: places calls and waits for each to end. */
async function agentSession(server: DemoServer) {
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'demo', password: 'demo' }),
  });
  const { token } = (await login.json()) as { token: string };
  const socket: AgentSocket = openAgentSocket(server.url, token);
  const roster = await firstRoster(socket);
  const ended = new Map<string, Call>();
  const waiters = new Map<string, (call: Call) => void>();
  const onCall = ({ call }: { call: Call }) => {
    if (call.state !== 'ended') return;
    ended.set(call.id, call);
    waiters.get(call.id)?.(call);
  };
  socket.on('call:changed', onCall);
  const untilEnded = (callId: string) =>
    new Promise<Call>((resolve) => {
      const done = ended.get(callId);
      if (done) resolve(done);
      else waiters.set(callId, resolve);
    });
  return {
    socket,
    roster,
    untilEnded,
    async call(staffId: string): Promise<Call> {
      const placed = await ask(socket, 'call:place', { staffId });
      return untilEnded(placed.id);
    },
    close: () => socket.close(),
  };
}

async function openHistory(page: Page) {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click();
  const screen = page.getByRole('region', { name: 'History' });
  await expect(screen).toBeVisible();
  return screen;
}

function parseCsv(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trim().split('\r\n');
  expect(header).toBe(CSV_HEADER);
  const keys = header!.split(',');
  // The server quotes only fields with commas or quotes; none of these columns has one.
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [keys[i]!, v])));
}

test('history: filters by staff, direction, outcome and date, opens a timeline, exports the filtered list', async ({
  page,
  server,
  signIn,
}) => {
  const tag = randomUUID().slice(0, 6);
  const hanna = await inProcessPhone(server, `Hanna ${tag}`, { answerAfterMs: 200, hangupAfterMs: 400 });
  const dana = await inProcessPhone(server, `Dana ${tag}`, { declineAfterMs: 200 });
  const agent = await agentSession(server);
  try {
    const answered = [await agent.call(hanna.staffId), await agent.call(hanna.staffId)];
    expect(answered.map((c) => c.endReason)).toEqual(['completed', 'completed']);
    expect((await agent.call(dana.staffId)).endReason).toBe('declined');
    // Hanna calls in and hangs up before anyone takes it.
    const inbound = await hanna.phone.placeCall();
    await hanna.phone.hangup(inbound.id);
    expect((await agent.untilEnded(inbound.id)).endReason).toBe('cancelled');

    await signIn(page);
    const screen = await openHistory(page);
    const rows = screen.getByRole('table').locator('tbody tr');

    await screen.getByLabel('Staff').selectOption({ label: `Hanna ${tag}` });
    await expect(rows).toHaveCount(3);
    await screen.getByLabel('Direction').selectOption('inbound');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Inbound');
    await expect(rows.first()).toContainText('The caller hung up before it was answered');

    await screen.getByLabel('Direction').selectOption('');
    await screen.getByLabel('Outcome').selectOption('completed');
    await expect(rows).toHaveCount(2);
    for (const row of await rows.all()) {
      await expect(row).toContainText(`Call completed: hung up on Hanna's test iPhone`);
      // Its duration (no longer the last column: the Audio column came after it).
      await expect(row.locator('td').filter({ hasText: /^\d+\.\d s$/ })).toHaveCount(1);
    }

    // Today, as the browser counts days, holds both; a range that starts tomorrow holds none.
    const today = await page.evaluate(() => new Date().toLocaleDateString('sv'));
    const tomorrow = await page.evaluate(() => new Date(Date.now() + 86_400_000).toLocaleDateString('sv'));
    await screen.getByLabel('From').fill(today);
    await screen.getByLabel('To').fill(today);
    await expect(rows).toHaveCount(2);
    await screen.getByLabel('From').fill(tomorrow);
    await expect(screen.getByRole('alert')).toHaveText('the start date is after the end date');
    await screen.getByLabel('To').fill('');
    await expect(
      screen.getByRole('status').filter({ hasText: 'No calls match these filters' }),
    ).toBeVisible();
    await screen.getByLabel('From').fill(today);
    await expect(rows).toHaveCount(2);

    // The timeline opens from the keyboard, in the call panel's words.
    await rows.first().getByRole('button').focus();
    await page.keyboard.press('Enter');
    const details = screen.getByRole('region', { name: `Call to Hanna ${tag}` });
    const timeline = details.getByTestId('timeline');
    await expect(timeline).toContainText(`APNs accepted for Hanna's test iPhone`);
    await expect(timeline).toContainText(`Ringing on Hanna's test iPhone`);
    await expect(timeline).toContainText(`Answered on Hanna's test iPhone`);
    await expect(timeline.getByRole('listitem').last()).toContainText(/Call (ended|completed)/);
    await expect(details).toContainText(`Answered on`);
    await expect(rows.first().getByRole('button')).toHaveAttribute('aria-expanded', 'true');

    // The CSV holds exactly the filtered calls.
    const downloadStarted = page.waitForEvent('download');
    await screen.getByRole('button', { name: 'Export CSV' }).click();
    const download = await downloadStarted;
    expect(download.suggestedFilename()).toBe(`switchboard-history-${today}-to-now.csv`);
    const csv = parseCsv(await readFile((await download.path())!, 'utf8'));
    expect(csv.map((r) => r.id).sort()).toEqual(answered.map((c) => c.id).sort());
    for (const row of csv) {
      expect(row).toMatchObject({ direction: 'outbound', staff_id: hanna.staffId, outcome: 'completed' });
      expect(Number(row.duration_s)).toBeGreaterThan(0);
    }
    await expect(screen.getByRole('status').filter({ hasText: 'Downloaded' })).toBeVisible();

    // Dana's one call, by outcome alone within her calls.
    await screen.getByLabel('Staff').selectOption({ label: `Dana ${tag}` });
    await screen.getByLabel('Outcome').selectOption('declined');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Declined on the phone');
    await expect(rows.first()).toContainText(/rang \d+\.\d s/);
  } finally {
    agent.close();
    await hanna.close();
    await dana.close();
  }
});

test('history: pages of 50 with "Load more", and a CSV that is not cut at a page', async ({
  page,
  server,
  signIn,
}) => {
  const name = `Nobody ${randomUUID().slice(0, 6)}`;
  const agent = await agentSession(server);
  try {
    const staff = await ask(agent.socket, 'staff:create', { name });
    // No phone: each call ends at once as unreachable, so 55 calls take a moment, not minutes.
    const ids: string[] = [];
    for (let i = 0; i < 55; i++) ids.push((await agent.call(staff.id)).id);

    await signIn(page);
    const screen = await openHistory(page);
    const rows = screen.getByRole('table').locator('tbody tr');
    await screen.getByLabel('Staff').selectOption({ label: name });
    await expect(rows).toHaveCount(50);
    await expect(screen.getByText('Showing the latest 50 calls')).toBeVisible();
    await expect(rows.first()).toContainText('Phone unreachable: this staff member has no paired phone');
    await screen.getByRole('button', { name: 'Load more' }).click();
    await expect(rows).toHaveCount(55);
    await expect(screen.getByText('All 55 calls')).toBeVisible();
    await expect(screen.getByRole('button', { name: 'Load more' })).toHaveCount(0);

    const downloadStarted = page.waitForEvent('download');
    await screen.getByRole('button', { name: 'Export CSV' }).click();
    const csv = parseCsv(await readFile((await (await downloadStarted).path())!, 'utf8'));
    expect(csv.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(new Set(csv.map((r) => r.outcome))).toEqual(new Set(['unreachable']));
  } finally {
    agent.close();
  }
});

test('history: no serious accessibility violations; screenshots light and dark', async ({
  page,
  server,
  signIn,
}) => {
  // One call of its own (Ben declines), so the screen has a row and a timeline however tests are picked.
  const agent = await agentSession(server);
  try {
    const ben = agent.roster.find((s) => s.name === 'Ben Declines')!;
    expect((await agent.call(ben.id)).endReason).toBe('declined');
  } finally {
    agent.close();
  }
  await signIn(page);
  const screen = await openHistory(page);
  const rows = screen.getByRole('table').locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  await rows.first().getByRole('button').click();
  await expect(screen.getByTestId('timeline')).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).include('.hist').analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.screenshot({ path: `test-results/screenshots/history-${scheme}.png` });
  }
});
