# preempt_embed_docs(OUTPUT DOC...): writes OUTPUT, a C++ file holding the text of each DOC (paths
# relative to the source tree) as an array of lines, for the language server's hover
# (checker/cli/builtin_docs.hpp). The docs stay the one source of truth: the build copies them, and
# CMake configures again when one of them changes.
function(preempt_embed_docs output)
  set(body "// Generated from the docs by cmake/EmbedDocs.cmake at configure time: do not edit.\n")
  string(APPEND body "#include \"checker/cli/builtin_docs.hpp\"\n\nnamespace preempt::cli {\n\nnamespace {\n\n")
  set(table "")
  set(index 0)
  foreach(doc IN LISTS ARGN)
    set(path ${PROJECT_SOURCE_DIR}/${doc})
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
    file(READ ${path} text)
    if(text MATCHES "\\)preempt_doc\"")
      message(FATAL_ERROR "${doc} contains the raw string delimiter of cmake/EmbedDocs.cmake")
    endif()
    # One raw string literal per line (a single literal of a whole doc is too long for -Wpedantic).
    string(REPLACE "\n" ")preempt_doc\",\n    R\"preempt_doc(" lines "${text}")
    string(APPEND body "const std::string_view kDoc${index}[] = {\n    R\"preempt_doc(${lines})preempt_doc\"};\n\n")
    string(APPEND table "    {\"${doc}\", kDoc${index}, std::size(kDoc${index})},\n")
    math(EXPR index "${index} + 1")
  endforeach()
  string(APPEND body "}  // namespace\n\nconst std::vector<EmbeddedDoc>& embedded_docs() {\n")
  string(APPEND body "  static const std::vector<EmbeddedDoc> kDocs = {\n${table}  };\n  return kDocs;\n}\n\n")
  string(APPEND body "}  // namespace preempt::cli\n")
  file(WRITE ${output}.new "${body}")
  configure_file(${output}.new ${output} COPYONLY)  # rewritten only when it changed
endfunction()
