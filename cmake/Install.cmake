# Installation and the packages other projects use: `cmake --install BUILD [--prefix DIR]` installs
#
#   bin/preempt                              the command line
#   include/checker/.../*.hpp, *.def          the public headers, at the paths the sources include them
#   include/models/*.hpp                      by: #include "checker/api/preempt.hpp" works as in the tree
#   lib/libpreempt_*.a                        the static libraries
#   lib/cmake/preempt/                        the CMake package: find_package(preempt) gives ONE target,
#                                             preempt::preempt, which brings the libraries (in link
#                                             order), Boost.Context, fmt, nlohmann_json and C++20
#   lib/pkgconfig/preempt.pc                  the same for pkg-config (pkg-config --cflags --libs preempt)
#
# and, from cmake/Package.cmake, the man page, the docs and the scenario library (share/...).
#
# ---- How to add a library -------------------------------------------------------------------------
# Add one line to the table at the end of this file, AFTER every library it links to:
#
#     preempt_export_library(TARGET [HEADERS FOLDER...] [BASE DIR])
#
#   TARGET   a STATIC library target of the project (it joins the export set, preempt::preempt and
#            the Libs of preempt.pc, where it comes before the libraries it uses);
#   HEADERS  the folders holding its public headers (*.hpp *.h *.def *.inc, not recursive),
#            relative to BASE; each is installed to include/FOLDER;
#   BASE     the folder the library puts on its include path (default: the source root), so that
#            `#include "FOLDER/x.hpp"` reads the same in the build tree and installed. When a layer
#            moves its headers to, say, checker/rt/include/checker/rt/, write
#            `preempt_export_library(preempt_rt BASE checker/rt/include HEADERS checker/rt)`.
#
# Configuring fails with a message when a library is listed before one it links to, or links to an
# internal library that is not listed. A dependency found with find_package that the public headers
# or the libraries need goes in preempt_export_dependency() below (it is looked up again by
# find_package(preempt), and named in preempt.pc). The build-tree include directories of each listed
# library are wrapped in $<BUILD_INTERFACE:...> here, and targets that only carry build settings
# (PREEMPT_BUILD_ONLY_TARGETS: the warning flags) are kept out of the exported link interface, so
# the CMakeLists of the layers need not know about installation.
# ----------------------------------------------------------------------------------------------------
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(PREEMPT_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/preempt" CACHE STRING
    "Where the CMake package files go, relative to the install prefix")
set(PREEMPT_BUILD_ONLY_TARGETS preempt_warnings)

set(PREEMPT_EXPORTED_LIBRARIES "")     # in the order of the table: each after what it uses
set(PREEMPT_INSTALLED_HEADER_DIRS "")  # include/ folders, to install each once
set(PREEMPT_FIND_DEPENDENCIES "")      # the find_dependency() lines of preemptConfig.cmake
set(PREEMPT_PC_REQUIRES "")            # pkg-config modules preempt.pc requires
set(PREEMPT_PC_EXTRA_LIBS "")          # linker flags for dependencies without a .pc file

# preempt_export_dependency(FIND_ARGS... [PKG_CONFIG MODULE | LIBS FLAGS...])
# FIND_ARGS as for find_package (`Boost 1.74 COMPONENTS context`); PKG_CONFIG the dependency's own
# pkg-config module, or LIBS the linker flags preempt.pc gives for it when it has none.
function(preempt_export_dependency)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "PKG_CONFIG" "LIBS")
  list(JOIN arg_UNPARSED_ARGUMENTS " " find_args)
  set(PREEMPT_FIND_DEPENDENCIES "${PREEMPT_FIND_DEPENDENCIES}find_dependency(${find_args})\n" PARENT_SCOPE)
  if(arg_PKG_CONFIG)
    set(PREEMPT_PC_REQUIRES ${PREEMPT_PC_REQUIRES} ${arg_PKG_CONFIG} PARENT_SCOPE)
  endif()
  if(arg_LIBS)
    set(PREEMPT_PC_EXTRA_LIBS ${PREEMPT_PC_EXTRA_LIBS} ${arg_LIBS} PARENT_SCOPE)
  endif()
endfunction()

function(preempt_export_library target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "BASE" "HEADERS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "preempt_export_library(${target}): unexpected ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "cmake/Install.cmake: ${target} is not a target of the project")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "STATIC_LIBRARY")
    message(FATAL_ERROR "cmake/Install.cmake: ${target} is a ${type}; only static libraries are exported")
  endif()
  if(NOT arg_BASE)
    set(arg_BASE ".")
  endif()

  # Its internal dependencies must be listed before it (the order of preempt.pc's Libs).
  get_target_property(links ${target} INTERFACE_LINK_LIBRARIES)
  set(kept "")
  foreach(link IN LISTS links)
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" name "${link}")
    if(name IN_LIST PREEMPT_BUILD_ONLY_TARGETS)
      list(APPEND kept "$<BUILD_INTERFACE:${link}>")
      continue()
    endif()
    list(APPEND kept "${link}")
    if(TARGET ${name} AND name MATCHES "^preempt_")
      get_target_property(imported ${name} IMPORTED)
      if(NOT imported AND NOT name IN_LIST PREEMPT_EXPORTED_LIBRARIES)
        message(FATAL_ERROR "cmake/Install.cmake: ${target} links to ${name}, which is not exported yet: "
                            "add preempt_export_library(${name} ...) above preempt_export_library(${target} ...)")
      endif()
    endif()
  endforeach()
  if(links)
    set_property(TARGET ${target} PROPERTY INTERFACE_LINK_LIBRARIES "${kept}")
  endif()

  # Build-tree include directories (the source tree) are for the build only; installed, the
  # headers are in include/, which install(TARGETS ... INCLUDES DESTINATION) adds.
  get_target_property(dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  if(dirs)
    set(wrapped "")
    foreach(dir IN LISTS dirs)
      if(dir MATCHES "^\\$<")
        list(APPEND wrapped "${dir}")
      else()
        list(APPEND wrapped "$<BUILD_INTERFACE:${dir}>")
      endif()
    endforeach()
    set_property(TARGET ${target} PROPERTY INTERFACE_INCLUDE_DIRECTORIES "${wrapped}")
  endif()

  install(TARGETS ${target} EXPORT preemptTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

  foreach(folder IN LISTS arg_HEADERS)
    if(folder IN_LIST PREEMPT_INSTALLED_HEADER_DIRS)
      continue()
    endif()
    set(dir "${PROJECT_SOURCE_DIR}/${arg_BASE}/${folder}")
    file(GLOB headers CONFIGURE_DEPENDS "${dir}/*.hpp" "${dir}/*.h" "${dir}/*.def" "${dir}/*.inc")
    if(NOT headers)
      message(FATAL_ERROR "cmake/Install.cmake: ${target}: no headers in ${dir}")
    endif()
    install(FILES ${headers} DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/${folder}")
    list(APPEND PREEMPT_INSTALLED_HEADER_DIRS "${folder}")
  endforeach()

  list(APPEND PREEMPT_EXPORTED_LIBRARIES ${target})
  set(PREEMPT_EXPORTED_LIBRARIES "${PREEMPT_EXPORTED_LIBRARIES}" PARENT_SCOPE)
  set(PREEMPT_INSTALLED_HEADER_DIRS "${PREEMPT_INSTALLED_HEADER_DIRS}" PARENT_SCOPE)
endfunction()

# ---- The table: what other projects get --------------------------------------------------------------
preempt_export_dependency(Boost 1.74 COMPONENTS context LIBS -lboost_context)
preempt_export_dependency(fmt PKG_CONFIG fmt)
preempt_export_dependency(nlohmann_json 3 PKG_CONFIG nlohmann_json)

preempt_export_library(preempt_rt HEADERS checker/rt)
preempt_export_library(preempt_models HEADERS models)
preempt_export_library(preempt_explore HEADERS checker/explore)
preempt_export_library(preempt_api HEADERS checker/api)
preempt_export_library(preempt_reports HEADERS checker/report)
preempt_export_library(preempt_lang_front HEADERS checker/lang)
preempt_export_library(preempt_interp HEADERS checker/interp)
# -------------------------------------------------------------------------------------------------------

# preempt::preempt: every exported library, with their dependencies and C++20.
add_library(preempt_package INTERFACE)
set_target_properties(preempt_package PROPERTIES EXPORT_NAME preempt)
target_link_libraries(preempt_package INTERFACE ${PREEMPT_EXPORTED_LIBRARIES})
target_compile_features(preempt_package INTERFACE cxx_std_20)
add_library(preempt::preempt ALIAS preempt_package)
install(TARGETS preempt_package EXPORT preemptTargets)

install(TARGETS preempt RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})

install(EXPORT preemptTargets NAMESPACE preempt:: DESTINATION "${PREEMPT_INSTALL_CMAKEDIR}")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/preemptConfig.cmake.in"
                              "${PROJECT_BINARY_DIR}/preemptConfig.cmake"
                              INSTALL_DESTINATION "${PREEMPT_INSTALL_CMAKEDIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/preemptConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/preemptConfig.cmake" "${PROJECT_BINARY_DIR}/preemptConfigVersion.cmake"
        DESTINATION "${PREEMPT_INSTALL_CMAKEDIR}")

# preempt.pc. Its prefix is the one the files are installed under (--prefix, or /usr in the .deb),
# so the file is written at install time; the rest is known now.
set(PREEMPT_PC_LIBS "")
set(reversed ${PREEMPT_EXPORTED_LIBRARIES})
list(REVERSE reversed)
foreach(library IN LISTS reversed)
  get_target_property(name ${library} OUTPUT_NAME)
  if(NOT name)
    set(name ${library})
  endif()
  string(APPEND PREEMPT_PC_LIBS " -l${name}")
endforeach()
list(JOIN PREEMPT_PC_EXTRA_LIBS " " extra)
string(APPEND PREEMPT_PC_LIBS " ${extra}")
list(JOIN PREEMPT_PC_REQUIRES " " PREEMPT_PC_REQUIRES)
set(PREEMPT_PC_PREFIX "@prefix@")  # filled in at install time, below
foreach(kind LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${kind}}")
    set(PREEMPT_PC_${kind} "${CMAKE_INSTALL_${kind}}")
  else()
    set(PREEMPT_PC_${kind} "\${prefix}/${CMAKE_INSTALL_${kind}}")
  endif()
endforeach()
configure_file("${CMAKE_CURRENT_LIST_DIR}/preempt.pc.in" "${PROJECT_BINARY_DIR}/preempt.pc.in" @ONLY)
install(CODE "
  set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(\"${PROJECT_BINARY_DIR}/preempt.pc.in\" \"${PROJECT_BINARY_DIR}/pkgconfig/preempt.pc\" @ONLY)
")
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/preempt.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
