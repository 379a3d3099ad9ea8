# llmhost_add_plugin(<name> SOURCES ...): target llmhost-<name>, a plugin shared library
# libllmhost-<name>.so built with hidden visibility, so it exports only its descriptor.
function(llmhost_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target llmhost-${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE llmhost::sdk)
  set_target_properties(${target} PROPERTIES
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    PREFIX "lib")
  # Installed plugins live where the host looks by default: <prefix>/lib/llmhost/plugins.
  install(TARGETS ${target} LIBRARY DESTINATION lib/llmhost/plugins COMPONENT plugins)
endfunction()
