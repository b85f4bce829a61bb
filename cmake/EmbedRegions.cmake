# Turns data/regions.csv into a C++ source holding it as a string_view (core/region.cc reads it).
file(READ ${INPUT} csv)
file(WRITE ${OUTPUT} "// Generated from data/regions.csv by cmake/EmbedRegions.cmake. Do not edit.\n#include <string_view>\nnamespace pantau {\nextern const std::string_view kBuiltinRegionsCsv;\nconst std::string_view kBuiltinRegionsCsv = R\"pantau_csv(${csv})pantau_csv\";\n}  // namespace pantau\n")
