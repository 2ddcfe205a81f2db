#!/usr/bin/env node
/*
 * The reference side of the benchmarks: node running the same hook function on the same
 * JSON data, the way a user would try it without jsrt.
 *
 *   node node_driver.js once HOOK.js FUNCTION DATA.json
 *       whole process: read the page, parse it, call the hook, stringify the result to
 *       stdout (what `jsrt run` does, minus the contract checks).
 *   node node_driver.js serve HOOK.js FUNCTION
 *       a long-lived process for in-process timings: for each stdin line holding a page
 *       file's path it answers one line {"ms": ...}, the time of parse + hook + stringify
 *       on that file's text (read once and kept, as a page already in memory would be).
 *
 * The hook file is plain script (no import/export): its functions are taken from it by
 * name. Options are the page's JSON object with `errors` defaulted to [], as jsrt does.
 */
'use strict'
const fs = require('fs')
const readline = require('readline')

function loadHook (hookPath, name) {
  const source = fs.readFileSync(hookPath, 'utf8')
  // eslint-disable-next-line no-new-func
  const fn = new Function(`${source}\n;return typeof ${name} === 'function' ? ${name} : undefined`)()
  if (typeof fn !== 'function') {
    throw new Error(`${hookPath}: no function named ${name}`)
  }
  return fn
}

function pipeline (hook, text) {
  const options = JSON.parse(text)
  if (!Array.isArray(options.errors)) options.errors = []
  return JSON.stringify(hook(options))
}

function once (hookPath, name, dataPath) {
  const hook = loadHook(hookPath, name)
  process.stdout.write(pipeline(hook, fs.readFileSync(dataPath, 'utf8')) + '\n')
}

function serve (hookPath, name) {
  const hook = loadHook(hookPath, name)
  const texts = new Map()
  const lines = readline.createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    const dataPath = line.trim()
    if (!dataPath) return
    if (!texts.has(dataPath)) texts.set(dataPath, fs.readFileSync(dataPath, 'utf8'))
    const text = texts.get(dataPath)
    const started = process.hrtime.bigint()
    const out = pipeline(hook, text)
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    process.stdout.write(JSON.stringify({ ms, bytes: out.length }) + '\n')
  })
}

const [mode, ...args] = process.argv.slice(2)
if (mode === 'once' && args.length === 3) {
  once(...args)
} else if (mode === 'serve' && args.length === 2) {
  serve(...args)
} else {
  process.stderr.write('usage: node_driver.js once HOOK.js FUNCTION DATA.json | serve HOOK.js FUNCTION\n')
  process.exit(2)
}
