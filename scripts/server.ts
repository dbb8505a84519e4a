/**
 * `npm run server`: the call server, or with `--demo` the demo of tools/demo. The choice is made
 * here, outside server/, so that the server never imports a tool; only the chosen side is loaded.
 */
// A module (for top-level await), though it exports nothing.
export {};

const args = process.argv.slice(2);

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
