#include "crypto/crypto.h"

#include <sodium.h>

#include <stdexcept>

namespace pantau::crypto {
namespace {

static_assert(kBoxKeyBytes == crypto_box_PUBLICKEYBYTES);
static_assert(kBoxKeyBytes == crypto_box_SECRETKEYBYTES);
static_assert(kSealOverheadBytes == crypto_box_SEALBYTES);

// Domain key for HashSecret; changing it invalidates every stored owner-key and panel-token hash.
constexpr std::string_view kSecretHashKey = "pantau-secret-hash-v1";

void CheckKeyLength(size_t n) {
  if (n < crypto_generichash_KEYBYTES_MIN || n > crypto_generichash_KEYBYTES_MAX)
    throw std::invalid_argument("BLAKE2b key must be 16..64 bytes");
}

// sodium_init picks the fastest implementations for this CPU and seeds the CSPRNG; it takes a lock,
// so hot paths go through this once-only guard instead of calling it every time.
void EnsureInit() {
  static const bool initialised = [] {
    Init();
    return true;
  }();
  (void)initialised;
}

const uint8_t* Bytes(std::string_view s) { return reinterpret_cast<const uint8_t*>(s.data()); }

}  // namespace

void Init() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

std::vector<uint8_t> RandomBytes(size_t n) {
  EnsureInit();
  std::vector<uint8_t> out(n);
  if (n > 0) randombytes_buf(out.data(), out.size());  // an empty vector's data() may be null
  return out;
}

std::string RandomToken(size_t chars) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
  EnsureInit();
  std::string out(chars, '\0');
  // randombytes_uniform is unbiased; one call per character keeps the 5-bits-each promise exact.
  for (char& c : out) c = kAlphabet[randombytes_uniform(32)];
  return out;
}

std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data, std::span<const uint8_t> key) {
  EnsureInit();
  if (!key.empty()) CheckKeyLength(key.size());
  std::array<uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.empty() ? nullptr : key.data(),
                     key.size());
  return out;
}

std::string KeyedHashHex(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  EnsureInit();
  CheckKeyLength(key.size());
  std::array<uint8_t, 16> out{};
  crypto_generichash(out.data(), out.size(), data.data(), data.size(), key.data(), key.size());
  return ToHex(out);
}

std::string HashSecret(std::string_view secret) {
  return ToHex(Blake2b256({Bytes(secret), secret.size()}, {Bytes(kSecretHashKey), kSecretHashKey.size()}));
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> PasswordHash(std::string_view secret) {
  EnsureInit();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, secret.data(), secret.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return std::unexpected(Error::Internal("crypto_pwhash_str failed (out of memory)"));
  return std::string(out);
}

bool PasswordVerify(std::string_view hash, std::string_view secret) {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);  // crypto_pwhash_str_verify reads a C string
  return crypto_pwhash_str_verify(terminated.c_str(), secret.data(), secret.size()) == 0;
}

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

Result<std::vector<uint8_t>> FromHex(std::string_view hex) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::unexpected(Error::InvalidArgument("hex text has an odd length", "bad-hex"));
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::unexpected(Error::InvalidArgument("hex text has a non-hex character", "bad-hex"));
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

BoxKeyPair NewBoxKeyPair() {
  EnsureInit();
  BoxKeyPair kp;
  crypto_box_keypair(kp.public_key.data(), kp.secret_key.data());
  return kp;
}

std::vector<uint8_t> SealToPublicKey(const std::array<uint8_t, kBoxKeyBytes>& public_key,
                                     std::string_view plaintext) {
  EnsureInit();
  std::vector<uint8_t> out(plaintext.size() + crypto_box_SEALBYTES);
  if (crypto_box_seal(out.data(), Bytes(plaintext), plaintext.size(), public_key.data()) != 0)
    throw std::runtime_error("crypto_box_seal failed");  // only on a broken library
  return out;
}

Result<std::string> OpenSealed(const BoxKeyPair& keypair, std::span<const uint8_t> ciphertext) {
  auto invalid = [] {
    return std::unexpected(Error::InvalidArgument(
        "the sealed box cannot be opened with this key, or it was altered", "sealed-box-invalid"));
  };
  if (ciphertext.size() < crypto_box_SEALBYTES) return invalid();
  std::string out(ciphertext.size() - crypto_box_SEALBYTES, '\0');
  if (crypto_box_seal_open(reinterpret_cast<uint8_t*>(out.data()), ciphertext.data(), ciphertext.size(),
                           keypair.public_key.data(), keypair.secret_key.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return invalid();
  }
  return out;
}

}  // namespace pantau::crypto
