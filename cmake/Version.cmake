# PREEMPT_SOURCE_REVISION: the source revision `preempt --version` prints next to the version,
# captured when CMake configures the build:
#   -DPREEMPT_REVISION=TEXT     when given (a distribution building from a tarball);
#   else `git describe --tags --always --dirty` of the source tree, when it is the top of a git
#   checkout (a worktree too) and git is installed;
#   else "unknown" (a tarball, an export, no git): such a tree builds all the same.
# In a git checkout, CMake re-runs (and only the preempt binary is relinked) when HEAD moves to
# another commit, so the revision follows commits; uncommitted edits since the last configure are
# not seen (reconfigure to get "-dirty" right).
set(PREEMPT_REVISION "" CACHE STRING "Source revision for --version (empty: git describe at configure time)")

set(PREEMPT_SOURCE_REVISION "unknown")
if(PREEMPT_REVISION)
  set(PREEMPT_SOURCE_REVISION "${PREEMPT_REVISION}")
else()
  find_package(Git QUIET)
  if(GIT_FOUND)
    execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --show-toplevel
                    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                    OUTPUT_VARIABLE _preempt_git_top RESULT_VARIABLE _preempt_git_status
                    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    # Only this tree's own repository: not one that happens to contain an unpacked tarball.
    file(REAL_PATH "${PROJECT_SOURCE_DIR}" _preempt_source_real)
    if(_preempt_git_status EQUAL 0 AND _preempt_git_top)
      file(REAL_PATH "${_preempt_git_top}" _preempt_git_top)
    endif()
    if(_preempt_git_status EQUAL 0 AND _preempt_git_top STREQUAL _preempt_source_real)
      execute_process(COMMAND "${GIT_EXECUTABLE}" describe --tags --always --dirty --abbrev=12
                      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                      OUTPUT_VARIABLE _preempt_describe RESULT_VARIABLE _preempt_git_status
                      OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      if(_preempt_git_status EQUAL 0 AND _preempt_describe)
        set(PREEMPT_SOURCE_REVISION "${_preempt_describe}")
      endif()
      # Reconfigure when HEAD, or the branch it names, moves (a commit, a checkout).
      execute_process(COMMAND "${GIT_EXECUTABLE}" symbolic-ref -q HEAD
                      WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                      OUTPUT_VARIABLE _preempt_branch OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
      foreach(_preempt_name HEAD packed-refs ${_preempt_branch})
        execute_process(COMMAND "${GIT_EXECUTABLE}" rev-parse --git-path "${_preempt_name}"
                        WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                        OUTPUT_VARIABLE _preempt_path OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
        if(_preempt_path)
          get_filename_component(_preempt_path "${_preempt_path}" ABSOLUTE BASE_DIR "${PROJECT_SOURCE_DIR}")
          if(EXISTS "${_preempt_path}")
            set_property(DIRECTORY "${PROJECT_SOURCE_DIR}" APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_preempt_path}")
          endif()
        endif()
      endforeach()
    endif()
  endif()
endif()
message(STATUS "preempt ${PROJECT_VERSION}, source revision ${PREEMPT_SOURCE_REVISION}")
