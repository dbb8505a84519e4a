import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCompanionArgs, UsageError } from '../src/cli';

const BASE = [
  '--server',
  'http://127.0.0.1:4780',
  '--apns-emulator',
  'https://127.0.0.1:2197',
  '--apns-ca',
  'ca.pem',
];
const MINT = [...BASE, '--agent', 'demo', '--staff', 'Dora'];

describe('npm run companion: the agent password stays out of ps and the shell history', () => {
  it('refuses --password, saying where the password goes instead', () => {
    expect(() => parseCompanionArgs([...MINT, '--password', 'demo'], {})).toThrow(UsageError);
    expect(() => parseCompanionArgs([...MINT, '--password', 'demo'], {})).toThrow(
      '--password would put the password in ps and your shell history; set SWITCHBOARD_AGENT_PASSWORD or use --password-file FILE',
    );
  });

  it('reads it from SWITCHBOARD_AGENT_PASSWORD or the first line of --password-file', () => {
    const fromEnv = parseCompanionArgs(MINT, { SWITCHBOARD_AGENT_PASSWORD: 'velvet' });
    expect(fromEnv.help === false && fromEnv.agent).toEqual({
      name: 'demo',
      password: 'velvet',
      staff: 'Dora',
    });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'companion-cli-')), 'password');
    writeFileSync(file, 'otter quarry\n');
    const fromFile = parseCompanionArgs([...MINT, '--password-file', file], {});
    expect(fromFile.help === false && fromFile.agent).toMatchObject({ password: 'otter quarry' });
  });

  it('says what is missing', () => {
    expect(() => parseCompanionArgs(MINT, {})).toThrow(
      '--agent needs the password (SWITCHBOARD_AGENT_PASSWORD or --password-file FILE) and --staff',
    );
    expect(() => parseCompanionArgs([...MINT, '--password-file', '/nonexistent/pw'], {})).toThrow(
      /--password-file: cannot read \/nonexistent\/pw/,
    );
  });
});
