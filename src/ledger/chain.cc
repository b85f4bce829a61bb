#include "ledger/chain.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/enum_table.h"
#include "core/network_class.h"
#include "core/user_agent.h"
#include "crypto/crypto.h"

namespace pantau::ledger {
namespace {

static_assert(kLedgerDomain.size() == 16);

// Appends the fields of chain.h's canonical encoding; little-endian regardless of the host.
class Encoder {
 public:
  explicit Encoder(std::string& out) : out_(out) {}

  void Bytes(std::string_view bytes) {
    Raw(static_cast<uint32_t>(bytes.size()));
    out_.append(bytes);
  }
  template <typename Int>
  void Integer(Int value) {
    Raw(static_cast<uint32_t>(sizeof(Int)));
    Raw(value);
  }

 private:
  template <typename Int>
  void Raw(Int value) {
    using U = std::make_unsigned_t<Int>;
    const U u = static_cast<U>(value);
    for (size_t i = 0; i < sizeof(U); ++i) out_.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
  }
  std::string& out_;
};

// Reads chain.h's canonical encoding back; every field must be present with its exact width.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}

  bool Bytes(std::string& out) {
    uint32_t size = 0;
    if (!Raw(size) || size > in_.size()) return false;
    out.assign(in_.substr(0, size));
    in_.remove_prefix(size);
    return true;
  }
  template <typename Int>
  bool Integer(Int& value) {
    uint32_t size = 0;
    return Raw(size) && size == sizeof(Int) && Raw(value);
  }
  template <typename E, size_t N>
  bool Enum(const EnumTable<E, N>& table, E& value) {
    std::string name;
    if (!Bytes(name)) return false;
    auto parsed = table.Parse(name);
    if (parsed) value = *parsed;
    return parsed.has_value();
  }
  bool done() const { return in_.empty(); }

 private:
  template <typename Int>
  bool Raw(Int& value) {
    using U = std::make_unsigned_t<Int>;
    if (in_.size() < sizeof(U)) return false;
    U u = 0;
    for (size_t i = 0; i < sizeof(U); ++i) u |= static_cast<U>(static_cast<uint8_t>(in_[i])) << (8 * i);
    in_.remove_prefix(sizeof(U));
    value = static_cast<Int>(u);
    return true;
  }
  std::string_view in_;
};

}  // namespace

void AppendCanonical(std::string& out, const Vote& v) {
  Encoder e(out);
  e.Bytes(v.poll.value());
  e.Integer<uint64_t>(v.seq);
  e.Integer<int64_t>(ToUnixMillis(v.time));
  e.Integer<int32_t>(v.choice);
  e.Bytes(kAssuranceTierNames.Name(v.tier));
  e.Bytes(v.device_id);
  e.Bytes(v.locus.prefix);
  e.Bytes(v.locus.ip_hash);
  e.Integer<uint32_t>(v.locus.asn);
  e.Bytes(kNetworkClassNames.Name(v.locus.network_class));
  e.Bytes(v.user_agent.browser);
  e.Bytes(v.user_agent.os);
  e.Bytes(kDeviceClassNames.Name(v.user_agent.device));
  e.Bytes(v.share_token);
  e.Bytes(v.referrer_host);
  e.Bytes(v.panel_token_hash);
}

Result<Vote> DecodeCanonical(std::string_view bytes) {
  Decoder d(bytes);
  Vote v;
  std::string poll;
  int64_t millis = 0;
  auto bad = [](std::string_view field) {
    return std::unexpected(Error::DataLoss("a ledger entry is damaged", fmt::format("bad field '{}'", field)));
  };
  if (!d.Bytes(poll)) return bad("poll");
  v.poll = PollId{std::move(poll)};
  if (!d.Integer<uint64_t>(v.seq)) return bad("seq");
  if (!d.Integer<int64_t>(millis)) return bad("time");
  v.time = FromUnixMillis(millis);
  if (!d.Integer<int32_t>(v.choice)) return bad("choice");
  if (!d.Enum(kAssuranceTierNames, v.tier)) return bad("tier");
  if (!d.Bytes(v.device_id)) return bad("device_id");
  if (!d.Bytes(v.locus.prefix)) return bad("prefix");
  if (!d.Bytes(v.locus.ip_hash)) return bad("ip_hash");
  if (!d.Integer<uint32_t>(v.locus.asn)) return bad("asn");
  if (!d.Enum(kNetworkClassNames, v.locus.network_class)) return bad("network_class");
  if (!d.Bytes(v.user_agent.browser)) return bad("ua_browser");
  if (!d.Bytes(v.user_agent.os)) return bad("ua_os");
  if (!d.Enum(kDeviceClassNames, v.user_agent.device)) return bad("ua_device");
  if (!d.Bytes(v.share_token)) return bad("share_token");
  if (!d.Bytes(v.referrer_host)) return bad("referrer_host");
  if (!d.Bytes(v.panel_token_hash)) return bad("panel_token_hash");
  if (!d.done()) return bad("trailing bytes");
  return v;
}

std::string CanonicalEncoding(const Vote& vote) {
  std::string out;
  AppendCanonical(out, vote);
  return out;
}

Hash EntryHash(const Hash& prev, const Vote& vote) {
  thread_local std::string buffer;  // reused: hashing is on the group-commit hot path
  buffer.clear();
  buffer.append(kLedgerDomain);
  buffer.append(reinterpret_cast<const char*>(prev.data()), prev.size());
  AppendCanonical(buffer, vote);
  return crypto::Blake2b256({reinterpret_cast<const uint8_t*>(buffer.data()), buffer.size()});
}

LedgerEntry Link(const store::ChainTail& tail, Vote vote) {
  LedgerEntry entry;
  vote.seq = tail.seq + 1;
  entry.prev_hash = tail.hash;
  entry.entry_hash = EntryHash(tail.hash, vote);
  entry.vote = std::move(vote);
  return entry;
}

std::string ToHex(const Hash& hash) { return crypto::ToHex(hash); }

Result<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64)
    return std::unexpected(Error::InvalidArgument("a ledger hash is 64 hex characters", "bad-hash"));
  auto bytes = crypto::FromHex(hex);
  if (!bytes) return std::unexpected(Error::InvalidArgument("a ledger hash is 64 hex characters", "bad-hash"));
  Hash h{};
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

bool ChainVerifier::Add(const LedgerEntry& entry) {
  if (broken_) return false;
  const Vote& v = entry.vote;
  auto fail = [&](std::string reason) {
    broken_ = Break{v.seq, std::move(reason)};
    return false;
  };
  if (!poll_) poll_ = v.poll;
  if (v.poll != *poll_) return fail(fmt::format("entry belongs to poll {}, not {}", v.poll.value(), poll_->value()));
  if (v.seq != tail_.seq + 1) return fail(fmt::format("seq gap: expected seq {}, found {}", tail_.seq + 1, v.seq));
  if (entry.prev_hash != tail_.hash) return fail("prev_hash does not match the previous entry's hash");
  if (EntryHash(entry.prev_hash, v) != entry.entry_hash) return fail("entry hash does not match its contents");
  tail_ = store::ChainTail{v.seq, entry.entry_hash};
  ++verified_;
  return true;
}

}  // namespace pantau::ledger
