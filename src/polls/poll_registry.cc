#include "polls/poll_registry.h"

#include <functional>

namespace pantau::polls {

PollState::PollState(Poll poll, store::PollSecrets secrets, std::unique_ptr<Tally> tally)
    : poll_(std::move(poll)), secrets_(std::move(secrets)), tally_(std::move(tally)) {}

uint64_t PollState::DeviceKey(std::string_view device_id) { return std::hash<std::string_view>{}(device_id); }

bool PollState::ReserveDevice(std::string_view device_id) {
  std::lock_guard lock(mu_);
  return devices_.Insert(DeviceKey(device_id));
}

void PollState::ReleaseDevice(std::string_view device_id) {
  std::lock_guard lock(mu_);
  devices_.Erase(DeviceKey(device_id));
}

bool PollState::HasVoted(std::string_view device_id) const {
  std::lock_guard lock(mu_);
  return devices_.Contains(DeviceKey(device_id));
}

void PollState::LoadDevices(const std::vector<std::string>& device_ids) {
  std::lock_guard lock(mu_);
  devices_.Reserve(devices_.size() + device_ids.size());
  for (const auto& id : device_ids) devices_.Insert(DeviceKey(id));
}

bool PollState::ReservePanelToken(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  return panel_tokens_in_flight_.insert(token_hash).second;
}

void PollState::ReleasePanelToken(const std::string& token_hash) {
  std::lock_guard lock(mu_);
  panel_tokens_in_flight_.erase(token_hash);
}

Result<PollState*> PollRegistry::Get(const PollId& id) {
  {
    std::lock_guard lock(mu_);
    if (auto it = polls_.find(id.value()); it != polls_.end()) return it->second.get();
  }
  // Load outside the lock; if two threads race, the first insert wins and the other's load is dropped.
  auto stored = store_.GetPoll(id);
  if (!stored && stored.error().code == ErrorCode::kNotFound)
    return std::unexpected(Error::NotFound("polling ini tidak ditemukan", "poll-not-found").InEnglish("this poll does not exist"));
  PANTAU_ASSIGN_OR_RETURN(Poll poll, std::move(stored));
  PANTAU_ASSIGN_OR_RETURN(store::PollSecrets secrets, store_.GetPollSecrets(id));
  PANTAU_ASSIGN_OR_RETURN(auto counts, store_.CountVotes(id));
  PANTAU_ASSIGN_OR_RETURN(auto devices, store_.LoadDeviceIds(id));
  for (const auto& option : poll.options) counts.try_emplace(option.number, 0);
  // "Last update" is the newest vote's time; seqs are contiguous, so the newest has seq == total.
  Timestamp updated_at = poll.created_at;
  uint64_t total = 0;
  for (const auto& [choice, n] : counts) total += n;
  if (total > 0) {
    PANTAU_RETURN_IF_ERROR(store_.ScanEntries(id, total, [&](const store::LedgerEntry& e) {
      updated_at = e.vote.time;
      return false;
    }));
  }
  auto state = std::make_unique<PollState>(std::move(poll), std::move(secrets),
                                           std::make_unique<Tally>(counts, updated_at));
  state->LoadDevices(devices);
  std::lock_guard lock(mu_);
  auto [it, inserted] = polls_.try_emplace(id.value(), std::move(state));
  return it->second.get();
}

PollState* PollRegistry::Add(Poll poll, store::PollSecrets secrets) {
  std::map<int, uint64_t> counts;
  for (const auto& option : poll.options) counts[option.number] = 0;
  const std::string key = poll.id.value();
  const Timestamp created = poll.created_at;
  auto state = std::make_unique<PollState>(std::move(poll), std::move(secrets), std::make_unique<Tally>(counts, created));
  std::lock_guard lock(mu_);
  auto [it, inserted] = polls_.insert_or_assign(key, std::move(state));
  return it->second.get();
}

std::vector<PollState*> PollRegistry::Loaded() const {
  std::lock_guard lock(mu_);
  std::vector<PollState*> out;
  out.reserve(polls_.size());
  for (const auto& [id, state] : polls_) out.push_back(state.get());
  return out;
}

}  // namespace pantau::polls
