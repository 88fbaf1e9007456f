#!/usr/bin/env node
// `npm start`: build the console when it has not been built, seed the demo platform (with example
// stories and messages) into an empty database, then serve. Everything else goes through `npx rongmei`.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

if (!fs.existsSync('web/dist/index.html')) {
  console.log('Building the admin console (first start only)...')
  const build = spawnSync('npm', ['run', '--silent', 'build:web'], { stdio: 'inherit' })
  if (build.status !== 0) process.exit(build.status ?? 1)
}
const serve = spawnSync(process.execPath, ['bin/rongmei.js', 'serve', '--seed-demo-if-empty', '--with-examples', ...process.argv.slice(2)], { stdio: 'inherit' })
process.exit(serve.status ?? 1)
