/**
 * The server's entry as the soak starts it: `server/src/main.ts`, plus one thing a soak needs and
 * users do not. The soak holds this process's stdin open; if the soak itself dies (a crash, Ctrl-C)
 * the pipe closes and the server goes with it, instead of holding the port and the database.
 */
process.stdin.on('end', () => process.kill(process.pid, 'SIGKILL'));
process.stdin.resume();
await import('../../../server/src/main');

export {};
