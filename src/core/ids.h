// Strong identifier types shared across modules.
#pragma once

#include <string>

#include "core/strong_id.h"

namespace pantau {

struct PollIdTag {};
// A poll's public id: 12 lowercase base32 characters from the CSPRNG (crypto::RandomToken).
using PollId = StrongId<PollIdTag, std::string>;

struct CaseIdTag {};
using CaseId = StrongId<CaseIdTag, std::string>;

struct RegionCodeTag {};
// A Kemendagri region code: "71" (province) or "71.73" (regency/city).
using RegionCode = StrongId<RegionCodeTag, std::string>;

}  // namespace pantau
