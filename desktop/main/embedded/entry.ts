import { parentChannel } from './channel';
import { runEmbeddedServer } from './server-process';

// The embedded call server's process entry (built to out/main/embedded-server.js). The main
// process starts it as an Electron utilityProcess; tests and `npm start` start it with Node's
// child_process.fork, which gives the same module an IPC channel of its own.
runEmbeddedServer(parentChannel(), (code) => process.exit(code));
