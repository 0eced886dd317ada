// Builds the app as it was at a git commit, to compare it with the working
// tree in the same run (`--before <ref>`): `git archive` of the sources into
// bench/.work/, compiled with the project's own TypeScript; modules resolve
// through the project's node_modules, up the directory tree.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';

/**
 * @param {string} root  the project root
 * @param {string} ref  a commit, branch or tag
 * @returns {string} the folder holding the build's dist/
 */
export function buildRef(root, ref) {
  const commit = execFileSync(
    'git',
    ['rev-parse', '--verify', `${ref}^{commit}`],
    { cwd: root, encoding: 'utf8' },
  ).trim();
  const dir = `${root}bench/.work/build-${commit.slice(0, 12)}`;
  if (existsSync(`${dir}/dist/main.js`)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync(
    'git',
    [
      'archive',
      commit,
      'src',
      'client',
      'tsconfig.json',
      'tsconfig.build.json',
    ],
    {
      cwd: root,
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  execFileSync(
    `${root}node_modules/.bin/tsc`,
    ['-p', `${dir}/tsconfig.build.json`],
    { cwd: dir, stdio: 'inherit' },
  );
  return dir;
}
