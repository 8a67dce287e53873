// Starts a real `nextra serve` on a free port with a temp data dir and captures its setup link.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** How to run nextra: $NEXTRA_BIN, else the Host's build output, else `dotnet run --no-build`. */
export function serverCommand() {
  const bin = process.env.NEXTRA_BIN;
  if (bin && existsSync(bin)) return { cmd: bin, args: [] };
  if (bin) console.log(`# NEXTRA_BIN=${bin} does not exist; using the Host's build output`);
  for (const cfg of ['Release', 'Debug']) {
    const dll = path.join(repo, `src/Nextra.Host/bin/${cfg}/net10.0/nextra.dll`);
    if (existsSync(dll)) return { cmd: 'dotnet', args: [dll] };
  }
  return { cmd: 'dotnet', args: ['run', '--project', path.join(repo, 'src/Nextra.Host'), '--no-build', '--'] };
}

export async function startServer({ timeoutMs = 90_000, env = {} } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'nextra-e2e-'));
  const { cmd, args } = serverCommand();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(cmd, [...args, 'serve', '--urls', base, '--data-dir', dataDir], {
    cwd: dataDir,
    env: { ...process.env, DOTNET_NOLOGO: '1', NEXTRA_AUTH__SECURE_COOKIES: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = [];
  const setupLink = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no setup link within ${timeoutMs} ms:\n${output.join('')}`)), timeoutMs);
    const onData = (buf) => {
      const s = buf.toString();
      output.push(s);
      const m = s.match(/(https?:\/\/\S+\/setup\?token=\S+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (b) => output.push(b.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nextra exited with ${code}:\n${output.join('')}`));
    });
  });
  return {
    base,
    setupLink,
    output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            child.kill('SIGKILL');
            r();
          }, 10_000);
          child.once('exit', () => {
            clearTimeout(t);
            r();
          });
        });
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
