import fs from 'node:fs';
import { jupyterRequirements } from '../../../src/config';

/** The requirement entries of a pip requirements file: continuation lines joined, comments and blank lines dropped. */
function entries(text: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.replace(/(^|\s)#.*$/, '').trim())
    .filter(Boolean);
}

describe('requirements/jupyter.txt (the Jupyter environment scripts/setup.sh installs with --require-hashes)', () => {
  const lines = entries(fs.readFileSync(jupyterRequirements(), 'utf8'));

  it('pins every package to one version with at least one sha256 hash', () => {
    expect(lines.length).toBeGreaterThan(20);
    for (const line of lines) {
      expect(line).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*==[^\s=;]+(\s*;[^-]*)?\s+--hash=sha256:[0-9a-f]{64}/);
      for (const hash of line.match(/--hash=\S+/g)!) expect(hash).toMatch(/^--hash=sha256:[0-9a-f]{64}$/);
    }
  });

  it('holds JupyterLab 4.6.6, nbconvert 7.17.2 and nbclient, and no index or local wheel folder of one machine', () => {
    const pins = new Map(lines.map((l) => l.split(/\s/)[0]!.split('==') as [string, string]));
    expect(pins.get('jupyterlab')).toBe('4.6.6');
    expect(pins.get('nbconvert')).toBe('7.17.2');
    expect(pins.get('nbclient')).toMatch(/^0\.\d+\.\d+$/);
    expect(new Set(lines.map((l) => l.split('==')[0]!.toLowerCase())).size).toBe(lines.length);
    expect(lines.filter((l) => l.startsWith('-'))).toEqual([]);
  });
});
