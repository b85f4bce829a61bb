#include "crypto/crypto.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

namespace pantau::crypto {
namespace {

std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Crypto, InitIsIdempotent) {
  EXPECT_NO_THROW(Init());
  EXPECT_NO_THROW(Init());
}

TEST(Crypto, RandomBytesHasTheAskedLengthAndDiffers) {
  EXPECT_TRUE(RandomBytes(0).empty());
  auto a = RandomBytes(32), b = RandomBytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
}

TEST(Crypto, RandomTokenUsesLowercaseBase32) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string t = RandomToken(32);
    ASSERT_EQ(t.size(), 32u);
    EXPECT_EQ(t.find_first_not_of("abcdefghijklmnopqrstuvwxyz234567"), std::string::npos) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 200u);
  // Every symbol of the alphabet shows up over enough draws (6400 draws, 32 symbols).
  std::set<char> symbols;
  for (const auto& t : seen) symbols.insert(t.begin(), t.end());
  EXPECT_EQ(symbols.size(), 32u);
}

TEST(Crypto, Blake2b256MatchesKnownAnswers) {
  // RFC 7693 test vectors for BLAKE2b-256 (unkeyed).
  EXPECT_EQ(ToHex(Blake2b256(AsBytes(""))), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(ToHex(Blake2b256(AsBytes("abc"))), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Crypto, Blake2b256KeyChangesTheHashAndBadKeysThrow) {
  const auto key = RandomBytes(32);
  EXPECT_NE(Blake2b256(AsBytes("abc"), key), Blake2b256(AsBytes("abc")));
  EXPECT_EQ(Blake2b256(AsBytes("abc"), key), Blake2b256(AsBytes("abc"), key));
  EXPECT_THROW(Blake2b256(AsBytes("abc"), RandomBytes(8)), std::invalid_argument);
  EXPECT_THROW(Blake2b256(AsBytes("abc"), RandomBytes(65)), std::invalid_argument);
}

TEST(Crypto, KeyedHashHexIs128BitsAndDependsOnTheKey) {
  const auto k1 = RandomBytes(32), k2 = RandomBytes(32);
  const auto ip = std::vector<uint8_t>{203, 0, 113, 7};
  const std::string h = KeyedHashHex(k1, ip);
  EXPECT_EQ(h.size(), 32u);
  EXPECT_EQ(h, KeyedHashHex(k1, ip));
  EXPECT_NE(h, KeyedHashHex(k2, ip));
  EXPECT_NE(h, KeyedHashHex(k1, std::vector<uint8_t>{203, 0, 113, 8}));
  EXPECT_THROW(KeyedHashHex({}, ip), std::invalid_argument);
}

TEST(Crypto, HashSecretIsStableHexAndNotThePlainHash) {
  const std::string h = HashSecret("owner-key");
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, HashSecret("owner-key"));
  EXPECT_NE(h, HashSecret("owner-kez"));
  EXPECT_NE(h, ToHex(Blake2b256(AsBytes("owner-key"))));  // domain-keyed
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(ConstantTimeEqual("", ""));
  EXPECT_TRUE(ConstantTimeEqual("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEqual("abc", "abcd"));
}

TEST(Crypto, PasswordHashVerifiesOnlyTheRightSecret) {
  auto h = PasswordHash("receipt-7Q2K");
  ASSERT_TRUE(h.has_value()) << h.error().ToLogString();
  EXPECT_TRUE(h->starts_with("$argon2id$")) << *h;
  EXPECT_TRUE(PasswordVerify(*h, "receipt-7Q2K"));
  EXPECT_FALSE(PasswordVerify(*h, "receipt-7Q2L"));
  EXPECT_FALSE(PasswordVerify("", "receipt-7Q2K"));
  EXPECT_FALSE(PasswordVerify("not a hash", "receipt-7Q2K"));
  auto again = PasswordHash("receipt-7Q2K");
  ASSERT_TRUE(again.has_value());
  EXPECT_NE(*h, *again);  // salted
}

TEST(Crypto, HexRoundTrip) {
  const std::vector<uint8_t> bytes{0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(ToHex(bytes), "0001abff");
  auto back = FromHex("0001ABff");
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, bytes);
  EXPECT_EQ(FromHex("abc").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(FromHex("zz").error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(FromHex("")->empty());
}

TEST(SealedBox, RoundTrip) {
  const BoxKeyPair custodian = NewBoxKeyPair();
  const std::string identity = "Nama: Contoh; NIK: 7173000000000000";
  const auto sealed = SealToPublicKey(custodian.public_key, identity);
  EXPECT_EQ(sealed.size(), identity.size() + kSealOverheadBytes);
  EXPECT_NE(SealToPublicKey(custodian.public_key, identity), sealed);  // ephemeral sender key
  auto opened = OpenSealed(custodian, sealed);
  ASSERT_TRUE(opened.has_value()) << opened.error().ToLogString();
  EXPECT_EQ(*opened, identity);
  auto empty = OpenSealed(custodian, SealToPublicKey(custodian.public_key, ""));
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(*empty, "");
}

TEST(SealedBox, WrongKeyTamperingAndTruncationFail) {
  const BoxKeyPair custodian = NewBoxKeyPair(), other = NewBoxKeyPair();
  EXPECT_NE(custodian.public_key, other.public_key);
  auto sealed = SealToPublicKey(custodian.public_key, "rahasia");
  auto wrong = OpenSealed(other, sealed);
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(wrong.error().type, "sealed-box-invalid");
  sealed.back() ^= 1;
  EXPECT_FALSE(OpenSealed(custodian, sealed).has_value());
  sealed.back() ^= 1;
  EXPECT_TRUE(OpenSealed(custodian, sealed).has_value());
  EXPECT_FALSE(OpenSealed(custodian, std::span(sealed).first(kSealOverheadBytes - 1)).has_value());
}

}  // namespace
}  // namespace pantau::crypto
