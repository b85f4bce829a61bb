// crypto: the only user of libsodium. Randomness, keyed and plain hashes, secret tokens, password
// hashing and sealed boxes, each with the libsodium primitive named in its comment.
//   crypto::Init();                                     // once at start-up (idempotent)
//   std::string key = crypto::RandomToken(32);          // base32, 160 bits
//   std::string h = crypto::HashSecret(key);            // store this, never the key
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace pantau::crypto {

// sodium_init(); throws std::runtime_error if the library cannot start (a start-up failure).
void Init();

// randombytes_buf.
std::vector<uint8_t> RandomBytes(size_t n);

// `chars` characters of lowercase RFC 4648 base32 (5 bits each) from the CSPRNG.
// RandomToken(32) = 160 bits: owner keys, panel tokens, device ids, receipt codes.
std::string RandomToken(size_t chars);

// BLAKE2b-256 (crypto_generichash) of `data`, optionally keyed (key 16..64 bytes; any other non-empty
// key length is a programmer error and throws std::invalid_argument). Thread-safe, like everything here.
std::array<uint8_t, 32> Blake2b256(std::span<const uint8_t> data, std::span<const uint8_t> key = {});

// Keyed hash of an IP address's bytes under a poll's secret, as 32 lowercase hex characters
// (BLAKE2b-128 keyed). DESIGN.md §4: destroying the key makes these unlinkable. The key must be
// 16..64 bytes (std::invalid_argument otherwise).
std::string KeyedHashHex(std::span<const uint8_t> key, std::span<const uint8_t> data);

// Hash for high-entropy secrets (owner keys, panel tokens): hex BLAKE2b-256 with a fixed domain key.
// Not for passwords or short codes: use PasswordHash.
std::string HashSecret(std::string_view secret);

// Constant-time comparison (sodium_memcmp); false if sizes differ.
bool ConstantTimeEqual(std::string_view a, std::string_view b);

// Argon2id (crypto_pwhash_str, interactive limits) for low-entropy or human-typed secrets
// (case receipt codes). PasswordHash fails with Internal only if memory cannot be allocated.
Result<std::string> PasswordHash(std::string_view secret);
bool PasswordVerify(std::string_view hash, std::string_view secret);

// Lowercase hex of `bytes`.
std::string ToHex(std::span<const uint8_t> bytes);
// Inverse of ToHex (either case); InvalidArgument on odd length or a non-hex character.
Result<std::vector<uint8_t>> FromHex(std::string_view hex);

// Sealed boxes (crypto_box_seal: X25519 + XSalsa20-Poly1305 with an ephemeral sender key) for the
// confidential reporting lane (DESIGN.md §7): anyone holding the custodian's public key can seal; only
// the secret key opens. The server keeps only public keys.
//   BoxKeyPair custodian = NewBoxKeyPair();                        // offline, by the custodian
//   auto sealed = SealToPublicKey(custodian.public_key, identity);   // on the server
//   Result<std::string> identity = OpenSealed(custodian, sealed);   // by the custodian
inline constexpr size_t kBoxKeyBytes = 32;       // crypto_box_PUBLICKEYBYTES == SECRETKEYBYTES
inline constexpr size_t kSealOverheadBytes = 48;  // crypto_box_SEALBYTES
struct BoxKeyPair {
  std::array<uint8_t, kBoxKeyBytes> public_key{};
  std::array<uint8_t, kBoxKeyBytes> secret_key{};  // callers wipe it when done (it is plain memory)
};
// crypto_box_keypair.
BoxKeyPair NewBoxKeyPair();
// crypto_box_seal; the result is plaintext.size() + kSealOverheadBytes long and different every call.
std::vector<uint8_t> SealToPublicKey(const std::array<uint8_t, kBoxKeyBytes>& public_key,
                                     std::string_view plaintext);
// crypto_box_seal_open. InvalidArgument ("sealed-box-invalid") when the ciphertext is shorter than
// the overhead, was altered, or was sealed to another key: the three are indistinguishable by design.
Result<std::string> OpenSealed(const BoxKeyPair& keypair, std::span<const uint8_t> ciphertext);

}  // namespace pantau::crypto
