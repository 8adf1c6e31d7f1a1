# Compiler warnings and sanitizers shared by every target of the project.
function(offregion_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(OFFREGION_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(OFFREGION_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
