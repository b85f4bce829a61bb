// Helpers for tests that need a small ASN table built in memory.
#pragma once

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "netintel/classification_rules.h"
#include "netintel/network_intel.h"
#include "netintel/table_builder.h"

namespace pantau::netintel::testing {

struct TestRange {
  std::string first;
  std::string last;
  uint32_t asn;
  std::string org;
};

inline const ClassificationRules& TestRules() {
  static const ClassificationRules rules =
      ClassificationRules::Parse(
          "alias\tword\tPEMKOT\tPEMERINTAH KOTA\tx\n"
          "mobile\tasn\t23693\t-\tTelkomsel\n"
          "fixed\tasn\t7713\t-\tTelkom\n"
          "hosting\torg-word\tCLOUD\t-\tx\n"
          "government\torg-word\tPEMERINTAH KOTA\tauto\tx\n"
          "government\torg-word\tKEMENTERIAN\t-\tx\n")
          .value();
  return rules;
}

// The table bytes for `ranges`; fails the test on a builder error.
inline std::string BuildTableBytes(const std::vector<TestRange>& ranges, std::string_view version = "test 1") {
  TableBuilder builder(TestRules());
  for (const TestRange& r : ranges) {
    auto status = builder.AddRange(IpAddress::Parse(r.first).value(), IpAddress::Parse(r.last).value(), r.asn, r.org);
    EXPECT_TRUE(status.has_value()) << status.error().message;
  }
  auto bytes = builder.Build(version);
  EXPECT_TRUE(bytes.has_value()) << bytes.error().message;
  return bytes.value_or(std::string());
}

inline NetworkIntel BuildTable(const std::vector<TestRange>& ranges) {
  auto intel = NetworkIntel::FromBytes(BuildTableBytes(ranges));
  EXPECT_TRUE(intel.has_value()) << intel.error().message;
  return intel ? std::move(*intel) : NetworkIntel::Empty();
}

}  // namespace pantau::netintel::testing
