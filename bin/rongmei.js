#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: one artefact for dev and production.
import { register } from 'tsx/esm/api'

register()
await import('../server/src/main.ts')
