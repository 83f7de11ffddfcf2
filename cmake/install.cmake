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
