/**
 * `npm run server`: the call server, or with `--demo` the demo of tools/demo. The choice is made
 * here, outside server/, so that the server never imports a tool; only the chosen side is loaded.
 */
import { ensureWebConsole } from './fresh-build';

const args = process.argv.slice(2);

// Whatever serves (the server or the demo) serves the console from dist/web unless told another
// folder; `agents` commands and --help serve nothing.
const serves = !args.some((a) => a === 'agents' || a === '--help' || a === '-h');
const ownWebRoot =
  args.some((a) => a === '--web-root' || a.startsWith('--web-root=')) || !!process.env.SWITCHBOARD_WEB_ROOT;
if (serves && !ownWebRoot) await ensureWebConsole();

if (args.includes('--demo')) {
  const { demoMain } = await import('../tools/demo/src/main');
  exitWith(demoMain(args));
} else if (args.includes('--help') || args.includes('-h')) {
  const [{ helpText }, { DEMO_HELP }] = await Promise.all([
    import('../server/src'),
    import('../tools/demo/src/main'),
  ]);
  process.stdout.write(`${helpText(DEMO_HELP)}\n`);
} else {
  // server/src/main.ts reads process.argv and exits by itself.
  await import('../server/src/main');
}

function exitWith(code: Promise<number>): void {
  code.then(
    (c) => process.exit(c),
    (err: unknown) => {
      process.stderr.write(`switchboard: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
