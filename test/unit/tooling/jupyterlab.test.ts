import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jupyterVenvDir, loadConfig } from '../../../src/config';
import { labArgs, labUrl, newToken } from '../../../src/tooling/jupyterlab';

describe('labArgs', () => {
  const base = { root: '/p/notebooks', port: 8899, token: 'abc', browser: true };

  it('serves the folder on loopback only, on the port asked or not at all, with the token given and tslab for new notebooks', () => {
    const args = labArgs(base);
    expect(args.slice(0, 2)).toEqual(['-m', 'jupyterlab']);
    expect(args).toEqual(
      expect.arrayContaining(['--ServerApp.root_dir=/p/notebooks', '--ServerApp.ip=127.0.0.1', '--ServerApp.port=8899', '--ServerApp.port_retries=0', '--IdentityProvider.token=abc', '--MappingKernelManager.default_kernel_name=tslab']),
    );
    expect(args).not.toContain('--no-browser');
    expect(args).not.toContain('--allow-root');
  });

  it('adds --no-browser and --allow-root only when asked', () => {
    expect(labArgs({ ...base, browser: false, asRoot: true })).toEqual(expect.arrayContaining(['--no-browser', '--allow-root']));
  });
});

describe('labUrl', () => {
  it('is the lab on loopback with its token, opening a notebook when named', () => {
    expect(labUrl(8888, 't0k')).toBe('http://127.0.0.1:8888/lab?token=t0k');
    expect(labUrl(8888, 't0k', 'sub dir/01 a.ipynb')).toBe('http://127.0.0.1:8888/lab/tree/sub%20dir/01%20a.ipynb?token=t0k');
  });

  it('has a fresh 48-hex-digit token each time', () => {
    expect(newToken()).toMatch(/^[0-9a-f]{48}$/);
    expect(newToken()).not.toBe(newToken());
  });
});

describe('the Jupyter environment in the config', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'venv-cache-'));
  afterAll(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('lives in the per-user cache, named after the sha256 of the requirements, so another pin makes another one', () => {
    const root = fs.mkdtempSync(path.join(cache, 'root-'));
    fs.mkdirSync(path.join(root, 'requirements'));
    fs.writeFileSync(path.join(root, 'requirements', 'jupyter.txt'), 'a==1 --hash=sha256:00\n');
    const first = jupyterVenvDir(cache, root);
    expect(path.dirname(first)).toBe(cache);
    expect(path.basename(first)).toMatch(/^jupyter-venv-[0-9a-f]{16}$/);
    fs.writeFileSync(path.join(root, 'requirements', 'jupyter.txt'), 'a==2 --hash=sha256:00\n');
    expect(jupyterVenvDir(cache, root)).not.toBe(first);
  });

  it('gives JUPYTER_PYTHON the environment\'s Python once set-up finished it, and a set JUPYTER_PYTHON wins', () => {
    const env = { ENGINE_CACHE_DIR: cache };
    const venv = loadConfig(env, () => undefined).jupyterVenv;
    expect(path.dirname(venv)).toBe(cache);
    expect(loadConfig(env, () => undefined).jupyterPython).toBeUndefined();
    fs.mkdirSync(venv, { recursive: true });
    fs.writeFileSync(path.join(venv, '.erp-ready'), '');
    expect(loadConfig(env, () => undefined).jupyterPython).toBe(path.join(venv, 'bin', 'python'));
    expect(loadConfig({ ...env, JUPYTER_PYTHON: '/usr/bin/python3' }, () => undefined).jupyterPython).toBe('/usr/bin/python3');
  });

  it('follows XDG_CACHE_HOME when ENGINE_CACHE_DIR is not set', () => {
    expect(path.dirname(loadConfig({ XDG_CACHE_HOME: '/x/cache' }, () => undefined).jupyterVenv)).toBe('/x/cache/erp-insights');
  });
});
