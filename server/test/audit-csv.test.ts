import { describe, expect, it } from 'vitest';
import { csvField } from '../src/http/audit';

describe('audit CSV fields', () => {
  it('quote commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('Lima, Ana')).toBe('"Lima, Ana"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('plain')).toBe('plain');
  });

  it('keep a name a spreadsheet would run as a formula as text', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('+15550001')).toBe("'+15550001");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });
});
