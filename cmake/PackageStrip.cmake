# Run by CPack (CPACK_PRE_BUILD_SCRIPTS, cmake/Package.cmake) after it installed into its staging
# folder and before it packs: drops the debug information of the static libraries, as Debian's
# dh_strip does for -dev packages (CPACK_STRIP_FILES strips the binary, not archives).
if(NOT CPACK_PREEMPT_STRIP)
  return()
endif()
file(GLOB_RECURSE archives "${CPACK_TEMPORARY_INSTALL_DIRECTORY}/*.a")
foreach(archive IN LISTS archives)
  execute_process(COMMAND "${CPACK_PREEMPT_STRIP}" --strip-debug "${archive}" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "PackageStrip.cmake: ${CPACK_PREEMPT_STRIP} --strip-debug ${archive} failed")
  endif()
endforeach()
