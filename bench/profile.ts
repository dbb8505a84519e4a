/**
 * `npx tsx bench/profile.ts FILE.cpuprofile [--top N] [--focus NAME] [--callers NAME] [--skip S]`:
 * where a V8 CPU profile (node --cpu-prof) spent its time, without a browser: self time by
 * function and by module (a package under node_modules, node's internals, or our own folder); with
 * --focus the inclusive time under every frame whose function name contains NAME, split by callee
 * module; with --callers the same time split by the chain of (up to five) frames that called the
 * first such frame; --skip leaves out the first S seconds (start-up: module loading, warm-up).
 * The benches' notes in bench/README.md were taken with it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const ROOT = path.resolve(import.meta.dirname, '..');

/** The module a frame belongs to, short enough for a table. */
export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  const nm = file.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (file.startsWith('node:')) return file;
  if (file.startsWith(ROOT)) return path.relative(ROOT, file);
  return file;
}

function main() {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write(
      'usage: tsx bench/profile.ts FILE.cpuprofile [--top N] [--focus NAME] [--callers NAME] [--skip S]\n',
    );
    process.exit(2);
  }
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const top = Number(flag('--top') ?? 25);
  const focus = flag('--focus');
  const callers = flag('--callers');
  const skipUs = Number(flag('--skip') ?? 0) * 1e6;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  let elapsed = 0;
  for (const [i, id] of profile.samples.entries()) {
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed < skipUs) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)');
  const idleUs = idle.reduce((a, [, us]) => a + us, 0);
  const busy = total - idleUs;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const print = (title: string, rows: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    for (const [k, us] of [...rows].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      process.stdout.write(`${pct(us)} ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}\n`);
    }
  };
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(2)} s sampled, ${(busy / 1e6).toFixed(2)} s busy (percentages of busy)\n`,
  );
  const byFn = new Map<string, number>();
  const byModule = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === '(idle)') continue;
    const mod = moduleOf(f.url, f.functionName);
    const key = `${f.functionName || '(anonymous)'}  ${mod}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    byModule.set(mod, (byModule.get(mod) ?? 0) + us);
  }
  print('self time by module', byModule);
  print('self time by function', byFn);
  if (focus) {
    // Inclusive: a sample counts once under the outermost matching frame of its stack.
    const under = new Map<string, number>();
    let inside = 0;
    for (const [id, us] of selfUs) {
      let hit = false;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        if (byId.get(at)!.callFrame.functionName.includes(focus)) hit = true;
      }
      if (!hit) continue;
      inside += us;
      const f = byId.get(id)!.callFrame;
      const mod = moduleOf(f.url, f.functionName);
      under.set(mod, (under.get(mod) ?? 0) + us);
    }
    print(
      `under frames named *${focus}*: ${(inside / 1000).toFixed(0)} ms (${pct(inside)}), by module`,
      under,
    );
  }
  if (callers) {
    const chains = new Map<string, number>();
    let inside = 0;
    const name = (at: number) => {
      const f = byId.get(at)!.callFrame;
      return `${f.functionName || '(anonymous)'} ${moduleOf(f.url, f.functionName)}:${f.lineNumber + 1}`;
    };
    for (const [id, us] of selfUs) {
      // The outermost matching frame: its callers are where the time was asked for.
      let match: number | undefined;
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        if (byId.get(at)!.callFrame.functionName.includes(callers)) match = at;
      }
      if (match === undefined) continue;
      inside += us;
      const chain: string[] = [];
      for (let at = parent.get(match); at !== undefined && chain.length < 5; at = parent.get(at)) {
        chain.push(name(at));
      }
      const key = chain.join(' < ') || '(root)';
      chains.set(key, (chains.get(key) ?? 0) + us);
    }
    print(`frames named *${callers}*: ${(inside / 1000).toFixed(0)} ms (${pct(inside)}), by callers`, chains);
  }
}

main();
