#!/usr/bin/env bash
# editors/vim on real scenario files, in Vim itself (tests/editors/vim_syntax_test.vim).
# Usage: vim_syntax_test.sh SOURCE_DIR. Exit 77 (skipped) when Vim is not installed.
set -uo pipefail
cd "$1" || exit 1
command -v vim >/dev/null 2>&1 || { echo "SKIP: vim is not installed"; exit 77; }
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
PREEMPT_VIM_LOG="$log" vim -Nu NONE -i NONE -es -S tests/editors/vim_syntax_test.vim </dev/null >/dev/null 2>&1
status=$?
cat "$log"
[ "$status" -eq 0 ] && [ -s "$log" ] || { echo "vim_syntax_test.vim failed (exit $status)"; exit 1; }
