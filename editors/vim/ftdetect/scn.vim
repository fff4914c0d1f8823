" preempt scenario files (docs/scenario-language.md)
autocmd BufRead,BufNewFile *.scn setfiletype scn
