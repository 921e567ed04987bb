'use strict';
// The subprocess (directory) protocol, adapter side: one case directory per stdin line, one
// answer line per case (`ok`, `unsupported` or `error: MESSAGE`), each flushed before the next
// line is read. A directory holding `domain-request` is the domain probe: the adapter's declared
// domain is written there as domain.json and the answer is `ok` (README, "Declaring a domain").
const fs = require('fs');
const path = require('path');
const readline = require('readline');

/// One line of text: an error message with its line breaks folded, so it stays one answer.
function oneLine(text) {
  return String(text).replace(/[\r\n]+/g, ' ').trim();
}

/// The answer to one case directory: the probe writes domain(opts), any other runs runCase;
/// an exception becomes `error: MESSAGE`.
async function answer(dir, opts, runCase, domain) {
  try {
    if (dir === '') return 'error: an empty line instead of a case directory';
    if (domain && fs.existsSync(path.join(dir, 'domain-request'))) {
      fs.writeFileSync(path.join(dir, 'domain.json'), JSON.stringify(domain(opts)));
      return 'ok';
    }
    const a = await runCase(dir, opts);
    return oneLine(a);
  } catch (e) {
    return `error: ${oneLine((e && e.message) || e) || 'exception without a message'}`;
  }
}

/// Writes one line to stdout and resolves once it is handed to the OS (the harness waits for it).
function writeLine(text) {
  return new Promise((resolve, reject) => {
    process.stdout.write(`${text}\n`, (err) => (err ? reject(err) : resolve()));
  });
}

/// serve({parseArgs, runCase, domain}): parses process.argv (a usage error: message on stderr,
/// exit 2), then answers stdin's lines in order, one at a time, until stdin closes.
async function serve({ parseArgs, runCase, domain }) {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${path.basename(process.argv[1] || 'adapter')}: ${oneLine(e.message || e)}\n`);
    process.exit(2);
  }
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    await writeLine(await answer(line.replace(/\r$/, ''), opts, runCase, domain));
  }
}

module.exports = { serve, answer, oneLine };
