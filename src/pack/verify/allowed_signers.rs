//! OpenSSH's `allowed_signers` file (`ssh-keygen(1)`, ALLOWED SIGNERS): who may sign packs.
//!
//! Each line: principals (comma-separated, quoted if need be), options, a public key, an
//! optional comment. kansa reads the same file `ssh-keygen -Y verify -f` does and honours the
//! options that decide whether a line applies: `namespaces="…"` (the line is only for those
//! namespaces), `valid-after` / `valid-before` (checked against the current time, in UTC, as
//! kansa has no signing time to go by). `cert-authority` lines name certificate authorities;
//! packs are signed with plain keys, so such lines never match (said in `--help`).

use std::path::Path;

use ssh_key::PublicKey;

use crate::error::{Error, Result};

/// An allowed-signers file is a list of keys, kilobytes long; this is generous.
const MAX_FILE_BYTES: u64 = 4 << 20;

/// One usable line of the file.
#[derive(Debug, Clone)]
pub struct AllowedSigner {
    /// The principals as written (`alice@example.com,ci@example.com`).
    pub principals: String,
    /// The key.
    pub key: PublicKey,
    /// `namespaces="…"`, if given: the line applies to these only.
    namespaces: Option<Vec<String>>,
    /// `valid-after`, `valid-before`, as UTC timestamps.
    valid_after: Option<jiff::Timestamp>,
    valid_before: Option<jiff::Timestamp>,
    /// A `cert-authority` line: never matches a plain key.
    cert_authority: bool,
}

impl AllowedSigner {
    /// Whether this line allows `key` to sign in `namespace` at `now`.
    pub fn allows(&self, key: &PublicKey, namespace: &str, now: jiff::Timestamp) -> bool {
        !self.cert_authority
            && self.key.key_data() == key.key_data()
            && self
                .namespaces
                .as_ref()
                .is_none_or(|n| n.iter().any(|n| n == namespace))
            && self.valid_after.is_none_or(|t| now >= t)
            && self.valid_before.is_none_or(|t| now < t)
    }
}

/// Read an allowed-signers file; a line that cannot be read is an error naming the file, the
/// line and the column (exit 2).
pub fn load(path: &Path) -> Result<Vec<AllowedSigner>> {
    let bytes = crate::fs::read_capped(
        path,
        MAX_FILE_BYTES,
        "give the allowed_signers file (one line per signer's public key)",
    )?;
    let text = String::from_utf8(bytes).map_err(|_| Error::InputFile {
        file: path.display().to_string(),
        message: "not UTF-8 text\n  hint: an allowed_signers file is text, one signer per line"
            .to_owned(),
    })?;
    parse(&text).map_err(|(line, col, message)| Error::InputFile {
        file: format!("{}:{line}:{col}", path.display()),
        message: format!(
            "{message}\n  hint: a line is `PRINCIPALS [OPTIONS] KEYTYPE BASE64-KEY [COMMENT]`, \
             e.g. `alice@example.com namespaces=\"kansa-pack\" ssh-ed25519 AAAA…`"
        ),
    })
}

/// The signers of `text`; an error is (line, column, what is wrong), both from 1.
fn parse(text: &str) -> std::result::Result<Vec<AllowedSigner>, (usize, usize, String)> {
    let mut signers = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let at = |offset: usize| line.len() - trimmed.len() + offset + 1;
        let tokens = tokens(trimmed).map_err(|(o, m)| (n + 1, at(o), m))?;
        let signer = signer(&tokens).map_err(|(o, m)| (n + 1, at(o), m))?;
        signers.push(signer);
    }
    Ok(signers)
}

/// Whitespace-separated tokens, with `"…"` keeping spaces (and commas) inside one; each with
/// its byte offset.
fn tokens(line: &str) -> std::result::Result<Vec<(usize, String)>, (usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = None;
    let mut quoted = None;
    for (i, c) in line.char_indices() {
        match c {
            '"' => {
                quoted = match quoted {
                    Some(_) => None,
                    None => Some(i),
                };
                current.push(c);
                start.get_or_insert(i);
            }
            c if c.is_whitespace() && quoted.is_none() => {
                if let Some(s) = start.take() {
                    out.push((s, std::mem::take(&mut current)));
                }
            }
            c => {
                current.push(c);
                start.get_or_insert(i);
            }
        }
    }
    if let Some(q) = quoted {
        return Err((q, "a quote is not closed".to_owned()));
    }
    if let Some(s) = start {
        out.push((s, current));
    }
    Ok(out)
}

/// Whether a token is a key type (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `sk-…`).
fn is_key_type(token: &str) -> bool {
    token.starts_with("ssh-") || token.starts_with("ecdsa-") || token.starts_with("sk-")
}

fn signer(tokens: &[(usize, String)]) -> std::result::Result<AllowedSigner, (usize, String)> {
    let (_, principals) = &tokens[0];
    let mut rest = &tokens[1..];
    let mut signer = AllowedSigner {
        principals: principals.clone(),
        key: placeholder_key(),
        namespaces: None,
        valid_after: None,
        valid_before: None,
        cert_authority: false,
    };
    if let Some((at, options)) = rest.first().filter(|(_, t)| !is_key_type(t)) {
        apply_options(&mut signer, options).map_err(|m| (*at, m))?;
        rest = &rest[1..];
    }
    let Some(((at, kind), (_, base64))) = rest.first().zip(rest.get(1)) else {
        let at = rest.first().map_or(tokens[0].0, |(at, _)| *at);
        return Err((at, "no public key (a key type and its base64)".to_owned()));
    };
    signer.key = PublicKey::from_openssh(&format!("{kind} {base64}")).map_err(|e| {
        (
            *at,
            format!("not a public key: {kind} {} ({e})", short(base64)),
        )
    })?;
    Ok(signer)
}

/// A key to start from, replaced before the signer is returned.
fn placeholder_key() -> PublicKey {
    PublicKey::from(ssh_key::public::Ed25519PublicKey([0; 32]))
}

/// The first characters of a long value, for an error message.
fn short(text: &str) -> String {
    let cut: String = text.chars().take(24).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}

/// Apply a comma-separated option list (commas inside quotes belong to the value).
fn apply_options(signer: &mut AllowedSigner, options: &str) -> std::result::Result<(), String> {
    for option in split_options(options) {
        let (name, value) = match option.split_once('=') {
            Some((n, v)) => (n, Some(v.trim_matches('"'))),
            None => (option.as_str(), None),
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => signer.cert_authority = true,
            ("namespaces", Some(v)) => {
                signer.namespaces = Some(v.split(',').map(|s| s.trim().to_owned()).collect());
            }
            ("valid-after", Some(v)) => signer.valid_after = Some(timestamp(v)?),
            ("valid-before", Some(v)) => signer.valid_before = Some(timestamp(v)?),
            _ => return Err(format!("unknown option {option:?}")),
        }
    }
    Ok(())
}

fn split_options(options: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    for c in options.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.last_mut().expect("one").push(c);
            }
            ',' if !quoted => out.push(String::new()),
            c => out.last_mut().expect("one").push(c),
        }
    }
    out.retain(|o| !o.is_empty());
    out
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, with an optional `Z`; taken as UTC.
fn timestamp(text: &str) -> std::result::Result<jiff::Timestamp, String> {
    let digits = text.trim_end_matches(['Z', 'z']);
    let bad = || format!("not a time: {text:?} (YYYYMMDD[HHMM[SS]][Z])");
    if !digits.bytes().all(|b| b.is_ascii_digit()) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| digits.get(r).map_or(Ok(0), |s| s.parse::<i16>());
    let parts = (|| -> std::result::Result<_, std::num::ParseIntError> {
        Ok((
            num(0..4)?,
            num(4..6)?,
            num(6..8)?,
            num(8..10)?,
            num(10..12)?,
            num(12..14)?,
        ))
    })()
    .map_err(|_| bad())?;
    let (y, mo, d, h, mi, s) = parts;
    jiff::civil::DateTime::new(y, mo as i8, d as i8, h as i8, mi as i8, s as i8, 0)
        .and_then(|dt| jiff::tz::TimeZone::UTC.to_timestamp(dt))
        .map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl";

    #[test]
    fn lines_with_and_without_options() {
        let text = format!(
            "# signers\n\nalice@example.com {KEY} alice\n\"ci bot\",bob namespaces=\"git,kansa-pack\",valid-before=20300101 {KEY}\nca@x cert-authority {KEY}\n"
        );
        let signers = parse(&text).unwrap();
        assert_eq!(signers.len(), 3);
        assert_eq!(signers[0].principals, "alice@example.com");
        assert_eq!(signers[1].principals, "\"ci bot\",bob");
        let now = jiff::Timestamp::from_second(1_800_000_000).unwrap();
        let key = PublicKey::from_openssh(KEY).unwrap();
        assert!(signers[0].allows(&key, "kansa-pack", now));
        assert!(signers[1].allows(&key, "kansa-pack", now));
        assert!(!signers[1].allows(&key, "file", now), "namespaces");
        let late = jiff::Timestamp::from_second(2_000_000_000).unwrap();
        assert!(!signers[1].allows(&key, "kansa-pack", late), "valid-before");
        assert!(
            !signers[2].allows(&key, "kansa-pack", now),
            "cert-authority"
        );
    }

    #[test]
    fn bad_lines_are_located() {
        let cases = [
            ("alice\n", (1, 1), "no public key"),
            (
                &format!("a bogus=1 {KEY}\n") as &str,
                (1, 3),
                "unknown option",
            ),
            (
                "a ssh-ed25519 AAAAnotbase64!!\n",
                (1, 3),
                "not a public key",
            ),
            (
                &format!("  a namespaces=\"x {KEY}\n") as &str,
                (1, 16),
                "quote is not closed",
            ),
            (
                &format!("a valid-after=2026 {KEY}\n") as &str,
                (1, 3),
                "not a time",
            ),
        ];
        for (text, (line, col), want) in cases {
            let (l, c, message) = parse(text).unwrap_err();
            assert_eq!((l, c), (line, col), "{text:?}: {message}");
            assert!(message.contains(want), "{text:?}: {message}");
        }
    }

    #[test]
    fn times_are_utc() {
        assert_eq!(
            timestamp("20260101").unwrap().to_string(),
            "2026-01-01T00:00:00Z"
        );
        assert_eq!(
            timestamp("202601011230Z").unwrap().to_string(),
            "2026-01-01T12:30:00Z"
        );
        assert!(timestamp("20261301").is_err());
    }
}
