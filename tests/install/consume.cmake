# cmake -DBUILD=<tconv build> -DCONSUMER=<consumer source> -DWORK=<scratch> -DGENERATOR=<gen>
#       [-DNO_INSTALL=1] -P consume.cmake
# Installs the tconv build into WORK/prefix (unless NO_INSTALL), then configures, builds and runs
# the consumer against that prefix only. Any failing step fails the script.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/prefix)
function(step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}")
  endif()
endfunction()
if(NOT NO_INSTALL)
  step(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
endif()
step(${CMAKE_COMMAND} -S ${CONSUMER} -B ${WORK}/build -G ${GENERATOR} -DCMAKE_BUILD_TYPE=Release
     -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
step(${CMAKE_COMMAND} --build ${WORK}/build)
step(${WORK}/build/consumer)
message(STATUS "consumer built and ran against ${WORK}/prefix")
