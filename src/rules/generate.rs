//! Generator placeholders for rule examples (`{{alnum:32}}`, `{{github:ghp}}`, ...).
//!
//! Examples in rule files never hold realistic-looking credentials: they hold
//! placeholders that expand, at test time, into random but format-valid values
//! (correct prefixes and checksums). Benchmarks and the quality harness use the
//! same generator to plant secrets.

use base64::Engine as _;
use rand::{Rng, SeedableRng, rngs::SmallRng};

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// The Bitcoin base58 alphabet (no 0, O, I, l).
const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Expands placeholders in example text with a seeded random generator.
pub struct Generator {
    rng: SmallRng,
}

/// A placeholder that could not be expanded.
#[derive(Debug, thiserror::Error)]
#[error("unknown or malformed placeholder {{{{{0}}}}}")]
pub struct PlaceholderError(pub String);

impl Generator {
    /// A generator whose output is a pure function of `seed`.
    pub fn new(seed: u64) -> Self {
        Generator {
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// Replace every `{{...}}` placeholder in `text`. Text that is not a known
    /// placeholder (for example a Helm `{{ .Values.x }}`) is left as it is.
    pub fn expand(&mut self, text: &str) -> Result<String, PlaceholderError> {
        let mut out = String::with_capacity(text.len() + 64);
        let mut rest = text;
        while let Some(start) = rest.find("{{") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            match after.find("}}") {
                Some(end) if is_placeholder_body(&after[..end]) => {
                    out.push_str(&self.value(&after[..end])?);
                    rest = &after[end + 2..];
                }
                _ => {
                    out.push_str("{{");
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// One placeholder's value, e.g. `value("hex:32")`.
    pub fn value(&mut self, spec: &str) -> Result<String, PlaceholderError> {
        let (kind, arg) = match spec.split_once(':') {
            Some((k, a)) => (k, Some(a)),
            None => (spec, None),
        };
        let len = || {
            arg.and_then(|a| a.parse::<usize>().ok())
                .ok_or_else(|| PlaceholderError(spec.into()))
        };
        Ok(match kind {
            "alnum" => self.chars(ALNUM, len()?),
            "alpha" => self.chars(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
                len()?,
            ),
            "hex" => self.chars(b"0123456789abcdef", len()?),
            "HEX" => self.chars(b"0123456789ABCDEF", len()?),
            "lower" => self.chars(b"abcdefghijklmnopqrstuvwxyz", len()?),
            "upper" => self.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", len()?),
            // A number, so no leading zero (ids in tokens never have one).
            "digits" => {
                let n = len()?;
                let mut d = self.chars(b"123456789", n.min(1));
                d.push_str(&self.chars(b"0123456789", n.saturating_sub(1)));
                d
            }
            "lowernum" => self.chars(b"abcdefghijklmnopqrstuvwxyz0123456789", len()?),
            "uppernum" => self.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", len()?),
            "base32" => self.chars(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", len()?),
            "base58" => self.chars(BASE58, len()?),
            "base64" => self.chars(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
                len()?,
            ),
            "base64url" => self.chars(
                b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                len()?,
            ),
            "uuid" => self.uuid(),
            "github" => self.checksummed(arg.ok_or_else(|| PlaceholderError(spec.into()))?, true),
            "github-bad" => {
                self.checksummed(arg.ok_or_else(|| PlaceholderError(spec.into()))?, false)
            }
            "npm" => self.checksummed("npm", true),
            "npm-bad" => self.checksummed("npm", false),
            "jwt" => match arg {
                None => self.jwt(),
                Some("splunk") => self.splunk_jwt(),
                Some(_) => return Err(PlaceholderError(spec.into())),
            },
            "basic" => match arg {
                None => self.basic(8, 20),
                Some(a) => {
                    let (u, p) = a
                        .split_once(':')
                        .and_then(|(u, p)| Some((u.parse().ok()?, p.parse().ok()?)))
                        .ok_or_else(|| PlaceholderError(spec.into()))?;
                    self.basic(u, p)
                }
            },
            "pypi" => self.pypi(),
            "luhn" => self.luhn(len()?),
            "pem" => self.pem(arg.ok_or_else(|| PlaceholderError(spec.into()))?),
            "wif" => self.wif(true),
            "wif-bad" => self.wif(false),
            "xprv" => self.xprv(true),
            "xprv-bad" => self.xprv(false),
            _ => return Err(PlaceholderError(spec.into())),
        })
    }

    fn chars(&mut self, alphabet: &[u8], n: usize) -> String {
        loop {
            let s: String = (0..n)
                .map(|_| alphabet[self.rng.random_range(0..alphabet.len())] as char)
                .collect();
            // A random value must also look random: retry the rare draw with a long run
            // of one character, which the placeholder filter would rightly reject.
            if n < 8 || (!has_run(s.as_bytes(), 5) && mixes_classes(alphabet, s.as_bytes())) {
                return s;
            }
        }
    }

    fn uuid(&mut self) -> String {
        let h = self.chars(b"0123456789abcdef", 32);
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// `PREFIX_` + 30 base62 + 6 base62 CRC32 digits (GitHub and npm scheme).
    fn checksummed(&mut self, prefix: &str, valid: bool) -> String {
        let body = self.chars(ALNUM, 30);
        let mut crc = crc32fast::hash(body.as_bytes());
        if !valid {
            crc = crc.wrapping_add(1);
        }
        format!("{prefix}_{body}{}", base62_fixed(crc, 6))
    }

    /// An HTTP Basic credential: base64 of `user:password`, with a lower-case
    /// user of `user_len` characters (`{{basic}}`: 8) or, when `user_len` is 20
    /// or more, an alphanumeric id such as an Elasticsearch API key id
    /// (`{{basic:20:22}}`).
    fn basic(&mut self, user_len: usize, pass_len: usize) -> String {
        let user = if user_len >= 20 {
            self.chars(ALNUM, user_len)
        } else {
            self.chars(b"abcdefghijklmnopqrstuvwxyz", user_len)
        };
        let pass = self.chars(ALNUM, pass_len);
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    }

    fn jwt(&mut self) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header = b64.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let sub = self.chars(b"0123456789", 10);
        let iat = 1_600_000_000u64 + self.rng.random_range(0..100_000_000u64);
        let payload = b64.encode(format!(
            r#"{{"sub":"{sub}","name":"Test User","iat":{iat}}}"#
        ));
        let sig = self.chars(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
            43,
        );
        format!("{header}.{payload}.{sig}")
    }

    /// A Splunk authentication token: a static HS512 JWT whose header names the
    /// `splunk.secret` key, as Splunk Enterprise and Cloud issue them.
    fn splunk_jwt(&mut self) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let header =
            b64.encode(br#"{"kid":"splunk.secret","alg":"HS512","ver":"v2","ttyp":"static"}"#);
        let jti = self.chars(b"0123456789abcdef", 64);
        let iat = 1_600_000_000u64 + self.rng.random_range(0..100_000_000u64);
        let payload = b64.encode(format!(
            r#"{{"iss":"admin from splunk-01","sub":"svc-deploy","aud":"automation","idp":"Splunk","jti":"{jti}","iat":{iat},"exp":{},"nbr":{iat}}}"#,
            iat + 31_536_000
        ));
        let sig = self.chars(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
            86,
        );
        format!("{header}.{payload}.{sig}")
    }

    fn pypi(&mut self) -> String {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut macaroon = b"\x02\x01\x08pypi.org\x02\x25\x00\x02\x01\x06".to_vec();
        let id = self.uuid();
        macaroon.extend_from_slice(id.as_bytes());
        let tail: Vec<u8> = (0..64).map(|_| self.rng.random::<u8>()).collect();
        macaroon.extend_from_slice(&tail);
        format!("pypi-{}", b64.encode(macaroon))
    }

    fn luhn(&mut self, n: usize) -> String {
        let n = n.max(2);
        let mut digits: Vec<u8> = (0..n - 1).map(|_| self.rng.random_range(0..10u8)).collect();
        digits[0] = self.rng.random_range(1..10u8);
        for check in 0..10u8 {
            digits.push(check);
            if luhn_valid(&digits) {
                break;
            }
            digits.pop();
        }
        digits.iter().map(|d| (b'0' + d) as char).collect()
    }

    /// A Bitcoin WIF private key: base58check of 0x80, 32 key bytes and, for a
    /// compressed key, 0x01 (51 characters from `5`, or 52 from `K`/`L`).
    fn wif(&mut self, valid: bool) -> String {
        let mut payload = vec![0x80u8];
        payload.extend((0..32).map(|_| self.rng.random::<u8>()));
        if self.rng.random::<bool>() {
            payload.push(0x01);
        }
        self.base58check(&payload, valid)
    }

    /// A BIP32 extended private key (`xprv...`, 111 characters): version
    /// 0x0488ADE4, depth, parent fingerprint, child number, chain code, 0x00 and
    /// the 32-byte key, in base58check.
    fn xprv(&mut self, valid: bool) -> String {
        let mut payload = vec![0x04u8, 0x88, 0xAD, 0xE4];
        payload.push(self.rng.random_range(0..4u8));
        payload.extend((0..8).map(|_| self.rng.random::<u8>()));
        payload.extend((0..32).map(|_| self.rng.random::<u8>()));
        payload.push(0x00);
        payload.extend((0..32).map(|_| self.rng.random::<u8>()));
        self.base58check(&payload, valid)
    }

    /// `payload` in base58check; with `valid == false` one character after the
    /// version prefix is changed, so the shape stays but the checksum fails.
    fn base58check(&mut self, payload: &[u8], valid: bool) -> String {
        let mut s = bs58::encode(payload)
            .with_check()
            .into_string()
            .into_bytes();
        if !valid {
            let i = self.rng.random_range(8..s.len() - 4);
            let alphabet = BASE58;
            let pos = alphabet.iter().position(|&c| c == s[i]).unwrap_or(0);
            s[i] =
                alphabet[(pos + 1 + self.rng.random_range(0..alphabet.len() - 1)) % alphabet.len()];
        }
        String::from_utf8(s).unwrap_or_default()
    }

    fn pem(&mut self, label: &str) -> String {
        let body = self.chars(
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
            64 * 12,
        );
        let mut out = format!("-----BEGIN {label}-----\n");
        for line in body.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap_or_default());
            out.push('\n');
        }
        out.push_str(&format!("-----END {label}-----"));
        out
    }
}

fn is_placeholder_body(s: &str) -> bool {
    !s.is_empty() && !s.contains(' ') && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

/// A draw from a mixed alphabet (letters and digits) that came out all letters or
/// all digits is redrawn: real keys of 16+ characters virtually always mix them, rules
/// rightly rely on it (`checks = ["digit"]`), and a test must not fail one run in
/// a thousand because the dice produced a word-like value.
fn mixes_classes(alphabet: &[u8], s: &[u8]) -> bool {
    let mixed =
        alphabet.iter().any(u8::is_ascii_digit) && alphabet.iter().any(u8::is_ascii_alphabetic);
    s.len() < 16
        || !mixed
        || (s.iter().any(u8::is_ascii_digit) && s.iter().any(u8::is_ascii_alphabetic))
}

fn has_run(s: &[u8], n: usize) -> bool {
    s.windows(n).any(|w| w.iter().all(|&c| c == w[0]))
}

/// `n` base62 digits of `v`, most significant first, zero-padded.
pub fn base62_fixed(mut v: u32, n: usize) -> String {
    let mut out = vec![b'0'; n];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(v % 62) as usize];
        v /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Luhn checksum over decimal digit values.
pub fn luhn_valid(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = d as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum % 10 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_known_and_keeps_template_braces() {
        let mut g = Generator::new(7);
        let s = g.expand("a={{hex:8}} b={{ .Values.x }}").unwrap();
        assert!(s.starts_with("a="));
        assert_eq!(s.len(), "a=".len() + 8 + " b={{ .Values.x }}".len());
        assert!(s.ends_with("b={{ .Values.x }}"));
    }

    #[test]
    fn unknown_placeholder_is_an_error() {
        assert!(Generator::new(1).expand("{{nope:3}}").is_err());
    }

    #[test]
    fn wallet_keys_have_their_shape_and_checksum() {
        let mut g = Generator::new(11);
        for _ in 0..50 {
            let wif = g.value("wif").unwrap();
            assert!(
                (wif.len() == 51 && wif.starts_with('5'))
                    || (wif.len() == 52 && (wif.starts_with('K') || wif.starts_with('L'))),
                "{wif}"
            );
            assert!(bs58::decode(&wif).with_check(Some(0x80)).into_vec().is_ok());
            let bad = g.value("wif-bad").unwrap();
            assert!(
                bs58::decode(&bad).with_check(None).into_vec().is_err(),
                "{bad}"
            );
            let xprv = g.value("xprv").unwrap();
            assert!(xprv.starts_with("xprv") && xprv.len() == 111, "{xprv}");
            assert!(bs58::decode(&xprv).with_check(None).into_vec().is_ok());
            let bad = g.value("xprv-bad").unwrap();
            assert!(bad.starts_with("xprv") && bad.len() == 111, "{bad}");
            assert!(
                bs58::decode(&bad).with_check(None).into_vec().is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn splunk_jwt_names_the_splunk_secret_key() {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let t = Generator::new(5).value("jwt:splunk").unwrap();
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3, "{t}");
        let header = String::from_utf8(b64.decode(parts[0]).unwrap()).unwrap();
        assert!(header.contains(r#""kid":"splunk.secret""#), "{header}");
        assert!(t.starts_with("eyJraWQiOiJzcGx1bmsuc2VjcmV0Ii"));
        assert!(Generator::new(5).value("jwt:nope").is_err());
    }

    #[test]
    fn basic_with_lengths_decodes_to_id_and_key() {
        let b64 = base64::engine::general_purpose::STANDARD;
        let v = Generator::new(9).value("basic:20:22").unwrap();
        let decoded = String::from_utf8(b64.decode(&v).unwrap()).unwrap();
        let (id, key) = decoded.split_once(':').unwrap();
        assert_eq!((id.len(), key.len()), (20, 22), "{decoded}");
        assert!(Generator::new(9).value("basic:x").is_err());
    }

    #[test]
    fn alpha_is_letters_only() {
        let v = Generator::new(2).value("alpha:32").unwrap();
        assert_eq!(v.len(), 32);
        assert!(v.bytes().all(|b| b.is_ascii_alphabetic()), "{v}");
    }

    #[test]
    fn luhn_values_are_valid() {
        let mut g = Generator::new(3);
        for _ in 0..50 {
            let v = g.value("luhn:16").unwrap();
            let d: Vec<u8> = v.bytes().map(|b| b - b'0').collect();
            assert!(luhn_valid(&d), "{v}");
        }
    }
}
