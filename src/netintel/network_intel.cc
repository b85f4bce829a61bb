#include "netintel/network_intel.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "netintel/internal/checksum.h"

#ifndef PANTAU_ASN_TABLE_PATH
#error "PANTAU_ASN_TABLE_PATH must be defined by the build (src/netintel/CMakeLists.txt)"
#endif

namespace pantau::netintel {
namespace {

Error Corrupt(std::string_view source, std::string_view what) {
  return Error::DataLoss(fmt::format("ASN table {} is not usable: {}", source, what),
                         "rebuild it (cmake --build <dir> --target netintel_table) or point --asn-table elsewhere");
}

// index[b] must be the first i with top(starts[i]) >= b, for every slot.
template <typename K, typename Top>
bool IndexIsExact(const K* starts, uint32_t count, const uint32_t* index, Top top) {
  if (index[kIndexSlots - 1] != count) return false;
  for (uint32_t b = 0; b + 1 < kIndexSlots; ++b) {
    const uint32_t i = index[b];
    if (i > count || i > index[b + 1]) return false;
    if (i < count && top(starts[i]) < b) return false;
    if (i > 0 && top(starts[i - 1]) >= b) return false;
  }
  return true;
}

}  // namespace

NetworkIntel::NetworkIntel(NetworkIntel&& other) noexcept { *this = std::move(other); }

NetworkIntel& NetworkIntel::operator=(NetworkIntel&& other) noexcept {
  if (this == &other) return *this;
  Release();
  map_ = std::exchange(other.map_, nullptr);
  map_size_ = std::exchange(other.map_size_, 0);
  heap_ = std::move(other.heap_);
  header_ = std::exchange(other.header_, nullptr);
  v4_starts_ = std::exchange(other.v4_starts_, nullptr);
  v4_entries_ = std::exchange(other.v4_entries_, nullptr);
  v4_index_ = std::exchange(other.v4_index_, nullptr);
  v6_high_ = std::exchange(other.v6_high_, nullptr);
  v6_low_ = std::exchange(other.v6_low_, nullptr);
  v6_entries_ = std::exchange(other.v6_entries_, nullptr);
  v6_index_ = std::exchange(other.v6_index_, nullptr);
  entries_ = std::exchange(other.entries_, nullptr);
  regions_ = std::exchange(other.regions_, nullptr);
  org_pool_ = std::exchange(other.org_pool_, nullptr);
  return *this;
}

NetworkIntel::~NetworkIntel() { Release(); }

void NetworkIntel::Release() noexcept {
  if (map_ != nullptr) munmap(map_, map_size_);
  map_ = nullptr;
  map_size_ = 0;
  heap_.reset();
  header_ = nullptr;
}

NetworkIntel NetworkIntel::Empty() { return NetworkIntel(); }

Result<NetworkIntel> NetworkIntel::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    const std::string what = fmt::format("cannot open ASN table {}: {}", path, std::strerror(err));
    if (err == ENOENT) return std::unexpected(Error::NotFound(what, "asn-table-missing"));
    if (err == EACCES) return std::unexpected(Error::PermissionDenied(what));
    return std::unexpected(Error::Unavailable(what));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return std::unexpected(Error::Unavailable(fmt::format("cannot stat ASN table {}: {}", path, std::strerror(err))));
  }
  if (!S_ISREG(st.st_mode) || st.st_size < static_cast<off_t>(sizeof(FileHeader))) {
    ::close(fd);
    return std::unexpected(Corrupt(path, "not a regular file of at least a header's size"));
  }
  const size_t size = static_cast<size_t>(st.st_size);
  // MAP_POPULATE: the checksum reads every page anyway; faulting them in one go is faster.
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  const int map_err = errno;
  ::close(fd);
  if (map == MAP_FAILED)
    return std::unexpected(Error::Unavailable(fmt::format("cannot map ASN table {}: {}", path, std::strerror(map_err))));
  NetworkIntel intel;
  intel.map_ = map;
  intel.map_size_ = size;
  return Adopt(std::move(intel), path);
}

Result<NetworkIntel> NetworkIntel::FromBytes(std::string_view bytes) {
  if (bytes.size() < sizeof(FileHeader)) return std::unexpected(Corrupt("<memory>", "shorter than its header"));
  NetworkIntel intel;
  intel.heap_ = std::make_unique<uint64_t[]>((bytes.size() + 7) / 8);
  std::memcpy(intel.heap_.get(), bytes.data(), bytes.size());
  intel.map_size_ = bytes.size();
  return Adopt(std::move(intel), "<memory>");
}

Result<NetworkIntel> NetworkIntel::Adopt(NetworkIntel intel, std::string_view source) {
  const auto* base = static_cast<const char*>(intel.map_ != nullptr ? intel.map_ : intel.heap_.get());
  const size_t size = intel.map_size_;
  const auto* h = reinterpret_cast<const FileHeader*>(base);
  if (std::memcmp(h->magic, kTableMagic, sizeof h->magic) != 0) return std::unexpected(Corrupt(source, "bad magic"));
  if (h->version != kTableVersion)
    return std::unexpected(Corrupt(source, fmt::format("format version {} (this build reads {})", h->version, kTableVersion)));
  if (h->header_size != sizeof(FileHeader) || h->index_bits != kIndexBits)
    return std::unexpected(Corrupt(source, "unexpected header size or index width"));
  const TableLayout layout = ComputeLayout(*h);
  if (h->file_size != size || layout.end != size)
    return std::unexpected(Corrupt(source, fmt::format("size {} does not match its header", size)));
  const auto payload = std::as_bytes(std::span(base + sizeof(FileHeader), size - sizeof(FileHeader)));
  if (internal::Checksum64(payload) != h->checksum) return std::unexpected(Corrupt(source, "checksum mismatch"));
  if (h->v4_range_count == 0 || h->v6_range_count == 0 || h->entry_count == 0)
    return std::unexpected(Corrupt(source, "empty range or entry section"));
  if (h->data_version[kDataVersionSize - 1] != '\0') return std::unexpected(Corrupt(source, "unterminated data version"));

  intel.header_ = h;
  intel.v4_starts_ = reinterpret_cast<const uint32_t*>(base + layout.v4_starts);
  intel.v4_entries_ = reinterpret_cast<const uint32_t*>(base + layout.v4_entries);
  intel.v4_index_ = reinterpret_cast<const uint32_t*>(base + layout.v4_index);
  intel.v6_high_ = reinterpret_cast<const uint64_t*>(base + layout.v6_high);
  intel.v6_low_ = reinterpret_cast<const uint64_t*>(base + layout.v6_low);
  intel.v6_entries_ = reinterpret_cast<const uint32_t*>(base + layout.v6_entries);
  intel.v6_index_ = reinterpret_cast<const uint32_t*>(base + layout.v6_index);
  intel.entries_ = reinterpret_cast<const EntryRecord*>(base + layout.entries);
  intel.regions_ = reinterpret_cast<const RegionRecord*>(base + layout.regions);
  intel.org_pool_ = base + layout.org_pool;

  // The invariants Lookup relies on to stay in bounds, checked once so that lookups need not.
  const uint32_t n4 = h->v4_range_count, n6 = h->v6_range_count, ne = h->entry_count;
  if (intel.v4_starts_[0] != 0 || intel.v6_high_[0] != 0 || intel.v6_low_[0] != 0)
    return std::unexpected(Corrupt(source, "ranges do not start at address zero"));
  for (uint32_t i = 0; i < n4; ++i)
    if ((i > 0 && intel.v4_starts_[i] <= intel.v4_starts_[i - 1]) || intel.v4_entries_[i] >= ne)
      return std::unexpected(Corrupt(source, fmt::format("IPv4 range {} is out of order or refers to no entry", i)));
  for (uint32_t i = 0; i < n6; ++i)
    if ((i > 0 && !(intel.v6_high_[i - 1] < intel.v6_high_[i] ||
                    (intel.v6_high_[i - 1] == intel.v6_high_[i] && intel.v6_low_[i - 1] < intel.v6_low_[i]))) ||
        intel.v6_entries_[i] >= ne)
      return std::unexpected(Corrupt(source, fmt::format("IPv6 range {} is out of order or refers to no entry", i)));
  if (!IndexIsExact(intel.v4_starts_, n4, intel.v4_index_, [](uint32_t k) { return k >> (32 - kIndexBits); }) ||
      !IndexIsExact(intel.v6_high_, n6, intel.v6_index_, [](uint64_t k) { return k >> (64 - kIndexBits); }))
    return std::unexpected(Corrupt(source, "range index is inconsistent"));
  for (uint32_t i = 0; i < ne; ++i) {
    const EntryRecord& e = intel.entries_[i];
    if (e.network_class > static_cast<uint8_t>(NetworkClass::kHosting) ||
        uint64_t{e.org_offset} + e.org_length > h->org_pool_size ||
        (e.region != kNoRegion && e.region >= h->region_count) || (i == 0 && e.asn != 0))
      return std::unexpected(Corrupt(source, fmt::format("entry {} is invalid", i)));
  }
  for (uint32_t i = 0; i < h->region_count; ++i)
    if (intel.regions_[i].code[sizeof(RegionRecord::code) - 1] != '\0')
      return std::unexpected(Corrupt(source, fmt::format("region {} is unterminated", i)));
  return intel;
}

LookupResult NetworkIntel::Lookup(const IpAddress& address) const noexcept {
  if (header_ == nullptr || IsSpecialPurpose(address)) return {};
  uint32_t entry;
  if (address.is_v4()) {
    const uint32_t ip = address.v4_bits();
    const uint32_t bucket = ip >> (32 - kIndexBits);
    // Branchy std::upper_bound measured faster than a branch-free search here: the buckets are short
    // and a hot working set predicts well.
    const uint32_t* it = std::upper_bound(v4_starts_ + v4_index_[bucket], v4_starts_ + v4_index_[bucket + 1], ip);
    entry = v4_entries_[it - v4_starts_ - 1];
  } else {
    const uint64_t high = address.v6_high();
    const uint64_t low = address.v6_low();
    const uint64_t bucket = high >> (64 - kIndexBits);
    // The last start whose high half is <= the address's; if that start shares the address's /64, it
    // may still lie above the address: step back through the (rare) run of starts inside that /64.
    // Start 0 is :: so the walk always stops.
    size_t i = static_cast<size_t>(
        std::upper_bound(v6_high_ + v6_index_[bucket], v6_high_ + v6_index_[bucket + 1], high) - v6_high_ - 1);
    while (v6_high_[i] == high && v6_low_[i] > low) --i;
    entry = v6_entries_[i];
  }
  const EntryRecord& e = entries_[entry];
  if (e.asn == 0) return {};
  LookupResult result;
  result.asn = e.asn;
  result.org = std::string_view(org_pool_ + e.org_offset, e.org_length);
  result.network_class = static_cast<NetworkClass>(e.network_class);
  if (e.region != kNoRegion) result.region.emplace(std::string(regions_[e.region].code));
  return result;
}

std::string_view NetworkIntel::data_version() const {
  if (header_ == nullptr) return {};
  return std::string_view(header_->data_version);
}

std::string DefaultTablePath() { return PANTAU_ASN_TABLE_PATH; }

}  // namespace pantau::netintel
