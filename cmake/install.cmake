# Installed CMake package: find_package(neurotlm) gives neurotlm::neurotlm (SystemC components)
# and neurotlm::base (plain C++ models).
include(CMakePackageConfigHelpers)

install(TARGETS neurotlm-base neurotlm EXPORT neurotlmTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS neurotlm-cli neurotlm-train RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY include/neurotlm DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY blocks/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurotlm/blocks
        FILES_MATCHING PATTERN "*.h")
install(FILES ${PROJECT_BINARY_DIR}/include/neurotlm/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/neurotlm)
install(DIRECTORY configs/ DESTINATION ${CMAKE_INSTALL_DATADIR}/neurotlm/configs)
install(DIRECTORY traces/ DESTINATION ${CMAKE_INSTALL_DATADIR}/neurotlm/traces)

install(EXPORT neurotlmTargets NAMESPACE neurotlm::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurotlm)
configure_package_config_file(cmake/neurotlmConfig.cmake.in
    ${PROJECT_BINARY_DIR}/neurotlmConfig.cmake
    INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurotlm)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/neurotlmConfigVersion.cmake
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/neurotlmConfig.cmake
              ${PROJECT_BINARY_DIR}/neurotlmConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/neurotlm)

# The installed programs find the installed libraries (and the libraries each other) relative to
# themselves, so a prefix works wherever it is installed or moved to, without LD_LIBRARY_PATH.
file(RELATIVE_PATH NEUROTLM_LIB_FROM_BIN "${CMAKE_INSTALL_FULL_BINDIR}"
     "${CMAKE_INSTALL_FULL_LIBDIR}")
set_target_properties(neurotlm-cli neurotlm-train PROPERTIES
    INSTALL_RPATH "$ORIGIN/${NEUROTLM_LIB_FROM_BIN}")
set_target_properties(neurotlm PROPERTIES INSTALL_RPATH "$ORIGIN")

# pkg-config: `pkg-config --cflags --libs neurotlm` for builds without CMake. The prefix is
# derived from the .pc file's own place, so a moved prefix works here too.
file(RELATIVE_PATH NEUROTLM_PREFIX_FROM_PC "${CMAKE_INSTALL_FULL_LIBDIR}/pkgconfig"
     "${CMAKE_INSTALL_PREFIX}")
string(REGEX REPLACE "/$" "" NEUROTLM_PREFIX_FROM_PC "${NEUROTLM_PREFIX_FROM_PC}")
configure_file(cmake/neurotlm.pc.in ${PROJECT_BINARY_DIR}/neurotlm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/neurotlm.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
