#!/usr/bin/env node
// Tokenizes scenarios with the VS Code grammar (editors/vscode/syntaxes/scn.tmLanguage.json), the way
// VS Code does (vscode-textmate + the Oniguruma WebAssembly build), and checks the scopes:
//
//   - every file of scenarios/ (and tests/editors/kernel-spellings.scn): no token is scoped
//     invalid.*, and no word, number or punctuation is left with the root scope only;
//   - in every file, each reserved word, builtin call, violation kind of an `expect` line, comment,
//     string and number has the scope of its kind (the word lists are read from the .def files,
//     like editors/generate.py does);
//   - chosen lines of the dm race and of kernel-spellings.scn: exact scopes of named tokens.
//
// Usage: node textmate_scopes_test.js SOURCE_DIR. Exit 0 pass, 1 fail, 77 skip (the npm packages are
// not installed: `npm ci` in tests/editors, which scripts/test.sh runs).
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(process.argv[2] || path.join(__dirname, "..", ".."));
let vsctm, oniguruma;
try {
  vsctm = require("vscode-textmate");
  oniguruma = require("vscode-oniguruma");
} catch (e) {
  console.log(`SKIP: the npm packages are not installed (cd tests/editors && npm ci): ${e.message}`);
  process.exit(77);
}

let failures = 0;
function fail(message) {
  failures += 1;
  if (failures <= 50) console.log(`FAIL ${message}`);
}

function findFile(name, required = true) {
  const skip = new Set([".git", "node_modules", "editors", "tests", "fuzz", "bench", "docs", "scenarios"]);
  const found = [];
  (function walk(dir) {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !entry.name.startsWith("build")) walk(path.join(dir, entry.name));
      } else if (entry.name === name) {
        found.push(path.join(dir, entry.name));
      }
    }
  })(root);
  if (found.length > 1 || (required && found.length === 0)) {
    throw new Error(`expected one ${name}, found ${found.join(", ") || "none"}`);
  }
  return found[0];
}

// The builtins: builtins.def, or else the rows of the operations table (ops.def) whose Result
// column is Int or Void -- as editors/generate.py reads them.
function builtinNames() {
  const builtins = findFile("builtins.def", false);
  if (builtins) return spellings("builtins.def", "PREEMPT_BUILTIN");
  const text = fs.readFileSync(findFile("ops.def"), "utf8");
  const re = /^\s*PREEMPT_OP\(\s*\w+\s*,\s*"([^"]+)"\s*,\s*\w+\s*,\s*"[^"]*"\s*,\s*(\w+)/gm;
  return [...text.matchAll(re)].filter((m) => m[2] === "Int" || m[2] === "Void").map((m) => m[1]);
}

function spellings(defName, macro) {
  const text = fs.readFileSync(findFile(defName), "utf8");
  const re = new RegExp(`^\\s*${macro}\\(\\s*\\w+\\s*,\\s*"([^"]+)"`, "gm");
  return [...text.matchAll(re)].map((m) => m[1]);
}

function scenarioFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...scenarioFiles(p));
    else if (entry.name.endsWith(".scn")) out.push(p);
  }
  return out;
}

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== "source.scn") return null;
      const file = path.join(root, "editors", "vscode", "syntaxes", "scn.tmLanguage.json");
      return vsctm.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  return registry.loadGrammar("source.scn");
}

// [{line (1-based), text, tokens: [{text, start, scopes}]}]
function tokenize(grammar, source) {
  const lines = source.split(/\r?\n/);
  let state = vsctm.INITIAL;
  return lines.map((text, i) => {
    const r = grammar.tokenizeLine(text, state);
    state = r.ruleStack;
    const tokens = r.tokens.map((t) => ({
      text: text.substring(t.startIndex, t.endIndex),
      start: t.startIndex,
      scopes: t.scopes,
    }));
    return { line: i + 1, text, tokens };
  });
}

const has = (token, scope) => token.scopes.some((s) => s === scope || s.startsWith(scope + "."));

function checkFile(file, grammar, lists) {
  const rel = path.relative(root, file);
  const lines = tokenize(grammar, fs.readFileSync(file, "utf8"));
  for (const { line, tokens } of lines) {
    tokens.forEach((t, k) => {
      const where = `${rel}:${line}:${t.start + 1} '${t.text}' [${t.scopes.join(" ")}]`;
      if (t.scopes.some((s) => s.startsWith("invalid"))) fail(`${where}: scoped invalid`);
      if (t.text.trim() !== "" && t.scopes.length < 2) fail(`${where}: only the root scope`);
      const inText = t.scopes.some((s) => s.startsWith("comment") || s.startsWith("string"));
      if (inText) return;
      const word = t.text.trim();
      const next = tokens.slice(k + 1).map((n) => n.text).join("").trimStart();
      if (lists.keywords.has(word) && !t.scopes.some((s) => /^(keyword|storage|variable\.language|constant\.language|entity\.name\.type|variable\.other\.member)/.test(s))) {
        fail(`${where}: a reserved word without a keyword scope`);
      }
      if (lists.builtins.has(word) && next.startsWith("(") && !has(t, "support.function.builtin")) {
        fail(`${where}: a builtin call without support.function.builtin`);
      }
      if (/^[0-9]+$/.test(word) && !has(t, "constant.numeric")) fail(`${where}: a number without constant.numeric`);
      if (/^0[xX][0-9A-Fa-f]+$/.test(word) && !has(t, "constant.numeric.hex")) fail(`${where}: not constant.numeric.hex`);
    });
    // Comments and strings: the whole of `// ...` is a comment, a "..." is a string.
    const joined = tokens.map((t) => t.text).join("");
    const comment = joined.indexOf("//");
    const quote = joined.indexOf('"');
    if (comment >= 0 && (quote < 0 || quote > comment)) {
      for (const t of tokens.filter((t) => t.start >= comment)) {
        if (!has(t, "comment.line.double-slash")) fail(`${rel}:${line}:${t.start + 1} '${t.text}': after // but not a comment`);
      }
    }
    if (quote >= 0 && (comment < 0 || comment > quote)) {
      const t = tokens.find((t) => t.start === quote);
      if (!t || !has(t, "string.quoted.double")) fail(`${rel}:${line}: the string does not start a string scope`);
    }
    const expect = /^\s*expect\s+violation\s+([\w-]+)\s*;/.exec(joined);
    if (expect) {
      const t = tokens.find((t) => t.text === expect[1]);
      const scope = lists.kinds.has(expect[1]) ? "constant.other.violation-kind" : "invalid.illegal.expectation";
      if (!t || !has(t, scope)) fail(`${rel}:${line}: violation kind '${expect[1]}' is not ${scope}`);
    }
  }
  return lines;
}

// The scopes of `token` (its n-th occurrence) on the first line that contains `lineText`.
function expectScope(rel, lines, lineText, token, scope, n = 1) {
  const line = lines.find((l) => l.text.includes(lineText));
  if (!line) return fail(`${rel}: no line contains '${lineText}'`);
  const matches = line.tokens.filter((t) => t.text === token);
  const t = matches[n - 1];
  if (!t) {
    return fail(`${rel}:${line.line}: no token '${token}' (tokens: ${line.tokens.map((x) => `'${x.text}'`).join(" ")})`);
  }
  if (!has(t, scope)) fail(`${rel}:${line.line}: '${token}' is [${t.scopes.join(" ")}], not ${scope}`);
}

async function main() {
  const grammar = await loadGrammar();
  const lists = {
    keywords: new Set(spellings("token_kinds.def", "PREEMPT_KEYWORD").filter((w) => /^\w+$/.test(w))),
    builtins: new Set(builtinNames()),
    kinds: new Set(spellings("violation_kinds.def", "PREEMPT_VIOLATION")),
  };
  const files = scenarioFiles(path.join(root, "scenarios"));
  const sample = path.join(root, "tests", "editors", "kernel-spellings.scn");
  const tokenized = {};
  for (const file of [...files, sample]) tokenized[path.relative(root, file)] = checkFile(file, grammar, lists);

  // The dm race: every kind of token on real lines.
  const dmRel = "scenarios/dm-sysfs-exit/buggy.scn";
  const dm = tokenized[dmRel];
  const dmExpect = (lineText, token, scope, n) => expectScope(dmRel, dm, lineText, token, scope, n);
  dmExpect("// The dm_kobject_release race", "//", "comment.line.double-slash.scn");
  dmExpect("scenario \"dm:", "scenario", "keyword.other.declaration.scn");
  dmExpect("scenario \"dm:", "dm: kobject release method inside the dm module", "string.quoted.double.scn");
  dmExpect("module dm;", "dm", "entity.name.namespace.module.scn");
  dmExpect("completion kobj_holder;", "completion", "storage.type.scn");
  dmExpect("kobject dm_kobj release", "kobject", "storage.type.scn");
  dmExpect("kobject dm_kobj release", "release", "keyword.other.release.scn");
  dmExpect("kobject dm_kobj release", "dm_kobject_release", "entity.name.function.scn");
  dmExpect("kobject dm_kobj release", " refcount starts at 1", "comment.line.double-slash.scn");
  dmExpect("void dm_kobject_release() in dm {", "void", "storage.type.scn");
  dmExpect("void dm_kobject_release() in dm {", "dm_kobject_release", "entity.name.function.scn");
  dmExpect("void dm_kobject_release() in dm {", "in", "keyword.other.declaration.scn");
  dmExpect("void dm_kobject_release() in dm {", "{", "punctuation.section.block.begin.scn");
  dmExpect("complete(kobj_holder);", "complete", "support.function.builtin.scn");
  dmExpect("complete(kobj_holder);", "kobj_holder", "variable.other.scn");
  dmExpect("complete(kobj_holder);", ";", "punctuation.terminator.statement.scn");
  dmExpect("__module_get(dm);", "__module_get", "support.function.builtin.scn");
  dmExpect("init {", "init", "keyword.other.declaration.scn");
  dmExpect("thread sysfs_reader {", "thread", "keyword.other.declaration.scn");
  dmExpect("thread sysfs_reader {", "sysfs_reader", "entity.name.function.thread.scn");
  dmExpect("if (kobject_get_unless_zero(dm_kobj))", "if", "keyword.control.conditional.scn");
  dmExpect("if (kobject_get_unless_zero(dm_kobj))", "kobject_get_unless_zero", "support.function.builtin.scn");
  dmExpect("    dm_sysfs_exit();", "dm_sysfs_exit", "entity.name.function.call.scn");
  dmExpect("expect violation unloaded-code;", "expect", "keyword.other.expect.scn");
  dmExpect("expect violation unloaded-code;", "violation", "keyword.other.violation.scn");
  dmExpect("expect violation unloaded-code;", "unloaded-code", "constant.other.violation-kind.scn");

  const ticketRel = "scenarios/classic/ticket-lock.scn";
  const ticket = tokenized[ticketRel];
  expectScope(ticketRel, ticket, "thread p[3] {", "3", "constant.numeric.decimal.scn");
  expectScope(ticketRel, ticket, "atomic_inc_return(next_ticket) - 1;", "atomic_inc_return", "support.function.builtin.scn");
  expectScope(ticketRel, ticket, "while (now_serving != my)", "while", "keyword.control.loop.scn");
  expectScope(ticketRel, ticket, "while (now_serving != my)", "!=", "keyword.operator.comparison.scn");
  expectScope(ticketRel, ticket, "assert(in_cs == 1);", "assert", "keyword.other.scn");
  expectScope(ticketRel, ticket, "expect safe;", "safe", "constant.language.verdict.scn");

  // The kernel spellings the language is growing: C types, #define, NULL, THIS_MODULE, hex, /* */.
  const kRel = "tests/editors/kernel-spellings.scn";
  const k = tokenized[kRel];
  const kExpect = (lineText, token, scope, n) => expectScope(kRel, k, lineText, token, scope, n);
  kExpect("/* a block comment", "/*", "comment.block.scn");
  kExpect("   over two lines */", "*/", "comment.block.scn");
  kExpect("#define MAX_USERS 0x10", "#", "meta.preprocessor.macro.scn");
  kExpect("#define MAX_USERS 0x10", "define", "keyword.control.directive.define.scn");
  kExpect("#define MAX_USERS 0x10", "MAX_USERS", "entity.name.function.preprocessor.scn");
  kExpect("#define MAX_USERS 0x10", "0x10", "constant.numeric.hex.scn");
  kExpect("struct foo_dev {", "struct", "storage.type.structure.scn");
  kExpect("struct foo_dev {", "foo_dev", "entity.name.type.scn");
  kExpect("spinlock_t lock;", "spinlock_t", "storage.type.scn");
  kExpect("refcount_t users;", "refcount_t", "storage.type.scn");
  kExpect("atomic_t pending;", "atomic_t", "storage.type.scn");
  kExpect("wait_queue_head_t wq;", "wait_queue_head_t", "storage.type.scn");
  kExpect("int open_count = 0x2A;", "int", "storage.type.scn");
  kExpect("int open_count = 0x2A;", "0x2A", "constant.numeric.hex.scn");
  kExpect("int open_count = 0x2A;", "=", "keyword.operator.assignment.scn");
  kExpect("if (dev->owner == NULL)", "->", "punctuation.accessor.arrow.scn");
  kExpect("if (dev->owner == NULL)", "NULL", "constant.language.null.scn");
  kExpect("if (dev->owner == NULL)", "==", "keyword.operator.comparison.scn");
  kExpect("dev->owner = THIS_MODULE;", "THIS_MODULE", "support.constant.this-module.scn");
  kExpect("dev->owner = THIS_MODULE;", "owner", "variable.other.member.scn");
  kExpect("if (dev->module->init)", "module", "variable.other.member.scn");
  kExpect("if (dev->module->init)", "init", "variable.other.member.scn");
  kExpect("char c = ", "'\\0'", "string.quoted.single.scn");
  kExpect("kzalloc(sizeof(struct foo_dev))", "sizeof", "keyword.operator.sizeof.scn");
  kExpect("void foo_release(void) in foo {", "foo_release", "entity.name.function.scn");
  kExpect("void foo_release(void) in foo {", "void", "storage.type.scn", 2);
  kExpect("    x = 42;", "42", "constant.numeric.decimal.scn");
  kExpect("escapes", "\\n", "constant.character.escape.scn");
  kExpect("expect executions dpor 4;", "executions", "keyword.other.executions.scn");
  kExpect("expect executions dpor 4;", "dpor", "constant.other.strategy.scn");
  kExpect("expect executions dpor 4;", "4", "constant.numeric.decimal.scn");

  // The grammar does flag what the language rejects.
  const bad = tokenize(grammar, "int x = 1 @ 2;\nexpect violation no-such-kind;\n");
  const at = bad[0].tokens.find((t) => t.text === "@");
  if (!at || !has(at, "invalid.illegal")) fail(`'@' is not scoped invalid.illegal`);
  const kind = bad[1].tokens.find((t) => t.text === "no-such-kind");
  if (!kind || !has(kind, "invalid.illegal")) fail(`an unknown violation kind is not scoped invalid.illegal`);

  const count = Object.keys(tokenized).length;
  if (failures) {
    console.log(`textmate scopes: ${failures} failures in ${count} files`);
    process.exit(1);
  }
  console.log(`textmate scopes: ${count} files tokenized, every checked scope as expected`);
}

main().catch((e) => {
  console.log(`FAIL ${e.stack || e}`);
  process.exit(1);
});
