" Checks editors/vim on real files: vim -Nu NONE -i NONE -es -S tests/editors/vim_syntax_test.vim
" (run from the source root; tests/editors/vim_syntax_test.sh does). Exits 0 when every check holds.
set nocompatible
let s:root = getcwd()
let &runtimepath = s:root . '/editors/vim,' . &runtimepath
filetype on
syntax on
let s:failures = []

" The syntax group (after links are resolved to the scn group itself) at the first occurrence of
" `text` on the first line matching `line_pattern`.
function! s:Expect(file, line_pattern, text, group) abort
  let l:path = s:root . '/' . a:file
  if expand('%:p') !=# l:path
    execute 'silent edit ' . fnameescape(l:path)
  endif
  if &filetype !=# 'scn'
    call add(s:failures, a:file . ': filetype is "' . &filetype . '", not scn (ftdetect)')
    return
  endif
  let l:lnum = search(a:line_pattern, 'cw')
  if l:lnum == 0
    call add(s:failures, a:file . ': no line matches ' . a:line_pattern)
    return
  endif
  let l:col = stridx(getline(l:lnum), a:text) + 1
  if l:col == 0
    call add(s:failures, a:file . ':' . l:lnum . ': no "' . a:text . '"')
    return
  endif
  let l:group = synIDattr(synID(l:lnum, l:col, 1), 'name')
  if l:group !=# a:group
    call add(s:failures, a:file . ':' . l:lnum . ':' . l:col . ': "' . a:text . '" is ' . l:group . ', not ' . a:group)
  endif
endfunction

let s:dm = 'scenarios/dm-sysfs-exit/buggy.scn'
call s:Expect(s:dm, '^// The dm_kobject_release', 'The', 'scnLineComment')
call s:Expect(s:dm, '^scenario', 'scenario', 'scnDeclaration')
call s:Expect(s:dm, '^scenario', 'dm:', 'scnString')
call s:Expect(s:dm, '^completion kobj_holder', 'completion', 'scnType')
call s:Expect(s:dm, 'complete(kobj_holder)', 'complete', 'scnBuiltin')
call s:Expect(s:dm, 'if (kobject_get_unless_zero', 'if', 'scnConditional')
call s:Expect(s:dm, 'if (kobject_get_unless_zero', 'kobject_get_unless_zero', 'scnBuiltin')
call s:Expect(s:dm, '^thread sysfs_reader', 'thread', 'scnDeclaration')
call s:Expect(s:dm, '^expect violation', 'expect', 'scnDeclaration')
call s:Expect(s:dm, '^expect violation', 'violation', 'scnExpectWord')
call s:Expect(s:dm, '^expect violation', 'unloaded-code', 'scnViolationKind')
call s:Expect(s:dm, '^expect violation', 'code', 'scnViolationKind')
let s:ticket = 'scenarios/classic/ticket-lock.scn'
call s:Expect(s:ticket, '^thread p\[3\]', '3', 'scnNumber')
call s:Expect(s:ticket, 'while (now_serving', 'while', 'scnRepeat')
call s:Expect(s:ticket, '^expect safe', 'safe', 'scnExpectWord')
let s:k = 'tests/editors/kernel-spellings.scn'
call s:Expect(s:k, '^/\* a block comment', 'block', 'scnComment')
call s:Expect(s:k, '^#define MAX_USERS', '#define', 'scnDefine')
call s:Expect(s:k, '^#define MAX_USERS', '0x10', 'scnNumber')
call s:Expect(s:k, '^struct foo_dev', 'struct', 'scnStructure')
call s:Expect(s:k, 'spinlock_t lock', 'spinlock_t', 'scnType')
call s:Expect(s:k, 'wait_queue_head_t wq', 'wait_queue_head_t', 'scnType')
call s:Expect(s:k, 'dev->owner == NULL', 'NULL', 'scnConstant')
call s:Expect(s:k, 'dev->owner == NULL', '->', 'scnArrow')
call s:Expect(s:k, '= THIS_MODULE', 'THIS_MODULE', 'scnSpecialConstant')
call s:Expect(s:k, 'sizeof(struct', 'sizeof', 'scnOperator')
call s:Expect(s:k, '^scenario', '\n', 'scnEscape')
call s:Expect(s:k, 'char c = ', "'", 'scnCharacter')

" -es shows no :echo: the result goes to the file $PREEMPT_VIM_LOG (vim_syntax_test.sh prints it).
if empty(s:failures)
  call writefile(['vim syntax: every check holds'], $PREEMPT_VIM_LOG)
  qall!
endif
call writefile(map(copy(s:failures), '"FAIL " . v:val'), $PREEMPT_VIM_LOG)
cquit!
