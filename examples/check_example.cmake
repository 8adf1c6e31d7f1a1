# Runs an example on the sample logs and checks that it prints exactly one
# alert, for the instance whose credentials were stolen.
execute_process(COMMAND ${PROGRAM} ${LOGS}
                OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "example exited with ${rc}")
endif()
string(REGEX MATCHALL "\"outcome\":\"alert\"" alerts "${out}")
list(LENGTH alerts count)
if(NOT count EQUAL 1 OR NOT out MATCHES "\"compute_id\":\"i-0317f6c6b66ae9c40\"")
  message(FATAL_ERROR "want one alert for i-0317f6c6b66ae9c40, got:\n${out}")
endif()
message(STATUS "one alert for i-0317f6c6b66ae9c40")
