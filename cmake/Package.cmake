# What `cmake --install` adds besides the binary, the headers and the libraries (cmake/Install.cmake),
# and the Debian package CPack makes of the whole:
#
#   share/man/man1/preempt.1.gz         the man page, written at build time from `preempt --help`
#   share/doc/preempt/                  README.md, docs/*.md
#   share/preempt/scenarios/            the scenario library (scenarios/)
#   share/preempt/schemas/              the SARIF 2.1.0 and JUnit schemas the reports follow
#   share/preempt/editors/              the VS Code extension folder and the Vim files
#   share/vim/vimfiles/{syntax,ftdetect}/scn.vim   Debian's Vim reads these (*.scn highlighted)
#
#   cmake --build build --target package      or   cd build && cpack
# gives build/preempt_VERSION_ARCH.deb (its Depends computed by dpkg-shlibdeps: libc, libstdc++,
# libboost-context, libfmt; building against the C++ API also wants the -dev packages it Recommends).
include(GNUInstallDirs)

set(PREEMPT_SUMMARY "deterministic concurrency model checker for kernel-style lifetime races")

# The man page: after every link of preempt (cheap: five runs of --help). Not when cross-compiling.
if(NOT CMAKE_CROSSCOMPILING)
  set(man_page "${PROJECT_BINARY_DIR}/man/preempt.1")
  find_program(PREEMPT_GZIP_EXE gzip)
  mark_as_advanced(PREEMPT_GZIP_EXE)
  set(compress_commands "")
  set(man_file "${man_page}")
  if(PREEMPT_GZIP_EXE)
    # -n: no name or time stamp in the header, so that the package is reproducible.
    set(compress_commands COMMAND "${PREEMPT_GZIP_EXE}" -9nf "${man_page}")
    set(man_file "${man_page}.gz")
  endif()
  add_custom_command(
    OUTPUT "${man_file}"
    COMMAND "${CMAKE_COMMAND}" "-DPREEMPT=$<TARGET_FILE:preempt>" "-DOUTPUT=${man_page}"
            "-DSUMMARY=${PREEMPT_SUMMARY}" -P "${CMAKE_CURRENT_LIST_DIR}/ManPage.cmake"
    ${compress_commands}
    DEPENDS preempt "${CMAKE_CURRENT_LIST_DIR}/ManPage.cmake"
    COMMENT "Writing the man page preempt(1) from preempt --help"
    VERBATIM)
  add_custom_target(preempt_man_page ALL DEPENDS "${man_file}")
  install(FILES "${man_file}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
endif()

install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}" FILES_MATCHING PATTERN "*.md")
install(DIRECTORY scenarios/ DESTINATION "${CMAKE_INSTALL_DATADIR}/preempt/scenarios")
install(DIRECTORY schemas/ DESTINATION "${CMAKE_INSTALL_DATADIR}/preempt/schemas")
install(DIRECTORY editors/vscode editors/vim DESTINATION "${CMAKE_INSTALL_DATADIR}/preempt/editors"
        PATTERN "node_modules" EXCLUDE)
install(FILES editors/vim/syntax/scn.vim DESTINATION "${CMAKE_INSTALL_DATADIR}/vim/vimfiles/syntax")
install(FILES editors/vim/ftdetect/scn.vim DESTINATION "${CMAKE_INSTALL_DATADIR}/vim/vimfiles/ftdetect")

# ---- CPack: the .deb -------------------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME preempt)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "preempt")
set(CPACK_PACKAGE_CONTACT "preempt developers <preempt@invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PREEMPT_SUMMARY}")
set(CPACK_PACKAGE_DESCRIPTION
    "preempt explores every interleaving of the visible steps of a kernel race scenario (module\n"
    "unload, kobject release, completions, locks, atomics) and either proves it safe or prints the\n"
    "exact schedule that breaks it, and replays it. The package holds the command line, the C++ API\n"
    "(headers, static libraries, a CMake package and a pkg-config file), the man page, the\n"
    "documentation and the scenario library (/usr/share/preempt/scenarios).")
string(REPLACE ";" "" CPACK_PACKAGE_DESCRIPTION "${CPACK_PACKAGE_DESCRIPTION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
# CPack installs with DESTDIR and CMAKE_INSTALL_PREFIX=/usr, so that what is written at install time
# (preempt.pc's prefix) names /usr, not the staging folder.
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)                         # the binary; the archives: PackageStrip.cmake
set(CPACK_PREEMPT_STRIP "${CMAKE_STRIP}")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/PackageStrip.cmake")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)           # preempt_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: computed by dpkg-shlibdeps (dpkg-dev), which CPack runs on the binary with `file`.
# Without those tools, the libraries the binary links on Debian 12.
find_program(PREEMPT_FILE_EXE file)
find_program(PREEMPT_DPKG_SHLIBDEPS_EXE dpkg-shlibdeps)
mark_as_advanced(PREEMPT_FILE_EXE PREEMPT_DPKG_SHLIBDEPS_EXE)
if(PREEMPT_FILE_EXE AND PREEMPT_DPKG_SHLIBDEPS_EXE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6, libstdc++6, libgcc-s1, libboost-context1.74.0, libfmt9")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libboost-context-dev, libfmt-dev, nlohmann-json3-dev")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "graphviz")
set(CPACK_PACKAGE_CHECKSUM SHA256)
include(CPack)
