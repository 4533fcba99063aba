//! Signatures: Ed25519 keys in OpenSSH's format, and SSH signatures
//! (SSHSIG) over a bundle's tag manifest, which `ssh-keygen -Y verify`
//! checks with no auditpack installed.
//!
//! Trust never comes from the bundle: a signature is only as good as the
//! key the auditor names, directly (`--key KEY.pub`) or through an
//! allowed-signers file, OpenSSH's list of whom to trust for what.

mod allowed;

pub use allowed::{AllowedSigner, AllowedSigners, parse_allowed_signers};

use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The SSHSIG namespace of auditpack bundle signatures: a signature made
/// for another purpose (a git commit, a file) cannot pass as one.
pub const NAMESPACE: &str = "auditpack-bundle";

/// A key problem, said so a person can fix it.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("`{}` already exists; auditpack never overwrites a key", .0.display())]
    Exists(PathBuf),
    #[error("{}: {message}", path.display())]
    Unusable { path: PathBuf, message: String },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// A new key pair's public facts.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub private: PathBuf,
    pub public: PathBuf,
    pub fingerprint: String,
    pub public_openssh: String,
}

/// Creates an Ed25519 key at `out` (mode 0600) and `out.pub`; refuses if
/// either exists.
pub fn keygen(out: &Path, comment: &str) -> Result<NewKey, KeyError> {
    let public_path = public_path(out);
    for path in [out, public_path.as_path()] {
        if path.exists() {
            return Err(KeyError::Exists(path.to_path_buf()));
        }
    }
    let unusable = |message: String| KeyError::Unusable {
        path: out.to_path_buf(),
        message,
    };
    let mut key = PrivateKey::random(&mut ssh_key::rand_core::OsRng, Algorithm::Ed25519)
        .map_err(|e| unusable(e.to_string()))?;
    key.set_comment(comment);
    let private_text = key
        .to_openssh(LineEnding::LF)
        .map_err(|e| unusable(e.to_string()))?;
    let public_text = key
        .public_key()
        .to_openssh()
        .map_err(|e| unusable(e.to_string()))?;
    write_new(out, private_text.as_bytes(), 0o600)?;
    if let Err(err) = write_new(&public_path, format!("{public_text}\n").as_bytes(), 0o644) {
        let _ = std::fs::remove_file(out);
        return Err(err);
    }
    Ok(NewKey {
        private: out.to_path_buf(),
        public: public_path,
        fingerprint: fingerprint(key.public_key()),
        public_openssh: public_text,
    })
}

/// `KEY.pub` beside `KEY`.
pub fn public_path(private: &Path) -> PathBuf {
    let mut name = private.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

/// Writes a file that must not exist yet, with `mode` on Unix.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => KeyError::Exists(path.to_path_buf()),
        _ => io(e),
    })?;
    file.write_all(bytes).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Reads a private key to sign with: an unencrypted OpenSSH Ed25519 key.
pub fn load_private(path: &Path) -> Result<PrivateKey, KeyError> {
    let unusable = |message: &str| KeyError::Unusable {
        path: path.to_path_buf(),
        message: message.to_string(),
    };
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if text.starts_with("ssh-") {
        return Err(unusable(
            "this is a public key; sign with the private key (the file without .pub)",
        ));
    }
    let key = PrivateKey::from_openssh(&text).map_err(|_| {
        unusable("not an OpenSSH private key (make one with `auditpack keygen --out KEY`)")
    })?;
    if key.is_encrypted() {
        return Err(unusable(
            "the key is protected by a passphrase, which auditpack cannot read yet; use a key made by \
             `auditpack keygen`, kept on an encrypted disk",
        ));
    }
    if key.algorithm() != Algorithm::Ed25519 {
        return Err(unusable(
            "not an Ed25519 key; auditpack signs with Ed25519 only",
        ));
    }
    Ok(key)
}

/// Reads a public key in OpenSSH's one-line format.
pub fn load_public(path: &Path) -> Result<PublicKey, KeyError> {
    let text = std::fs::read_to_string(path).map_err(|source| KeyError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if text.contains("PRIVATE KEY-----") {
        return Err(KeyError::Unusable {
            path: path.to_path_buf(),
            message: format!(
                "this is the private key, which stays with whoever signs; pass {} (its public key) \
                 instead",
                public_path(path).display()
            ),
        });
    }
    PublicKey::from_openssh(text.trim()).map_err(|_| KeyError::Unusable {
        path: path.to_path_buf(),
        message: "not an OpenSSH public key (a line such as `ssh-ed25519 AAAA... comment`)".into(),
    })
}

/// Whether anyone but the file's owner may read it (a private key should
/// be mode 0600). Always false where file modes do not exist.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Signs `message` in auditpack's namespace; the armored SSHSIG text.
pub fn sign(key: &PrivateKey, message: &[u8]) -> Result<String, String> {
    let signature = key
        .sign(NAMESPACE, HashAlg::Sha512, message)
        .map_err(|e| e.to_string())?;
    signature.to_pem(LineEnding::LF).map_err(|e| e.to_string())
}

/// `SHA256:...`, as `ssh-keygen -l` prints it.
pub fn fingerprint(key: &PublicKey) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// What a signature says, checked against the message and its namespace,
/// before any question of trust.
#[derive(Debug, Clone)]
pub struct Signature {
    pub signer: PublicKey,
    pub fingerprint: String,
}

/// Reads an armored SSHSIG and checks it signs `message` in auditpack's
/// namespace. The signer is named whatever the outcome, where readable.
pub fn check(armored: &[u8], message: &[u8]) -> Result<Signature, String> {
    let signature = SshSig::from_pem(armored).map_err(|_| "not an SSH signature".to_string())?;
    let signer = PublicKey::new(signature.public_key().clone(), "");
    let fingerprint = fingerprint(&signer);
    if signature.namespace() != NAMESPACE {
        return Err(format!(
            "signed by {fingerprint} for `{}`, not for an auditpack bundle (`{NAMESPACE}`)",
            signature.namespace()
        ));
    }
    signer
        .verify(NAMESPACE, message, &signature)
        .map_err(|_| format!("the signature by {fingerprint} does not match the tag manifest"))?;
    Ok(Signature {
        signer,
        fingerprint,
    })
}

/// Whom the auditor trusts.
#[derive(Debug, Clone)]
pub enum Trust {
    /// No key named: integrity can be reported, never verification.
    Nobody,
    /// One public key.
    Key(PublicKey),
    /// An allowed-signers file and the identity the signer must have in
    /// it, as `ssh-keygen -Y verify -f FILE -I ID` asks.
    AllowedSigners {
        file: AllowedSigners,
        identity: String,
    },
}

impl Trust {
    /// The principal (or `the named key`) under which `signer` is trusted,
    /// or why it is not.
    pub fn admits(&self, signer: &PublicKey) -> Result<String, String> {
        let fingerprint = fingerprint(signer);
        match self {
            Trust::Nobody => Err(format!(
                "signed by {fingerprint}, but no trusted key was named (--key or --allowed-signers): \
                 a bundle never vouches for itself"
            )),
            Trust::Key(key) if key.key_data() == signer.key_data() => {
                Ok("the key named with --key".into())
            }
            Trust::Key(key) => Err(format!(
                "signed by {fingerprint}, not by the key named ({})",
                self::fingerprint(key)
            )),
            Trust::AllowedSigners { file, identity } => {
                let now = time::OffsetDateTime::now_utc();
                allowed::admits(file, identity, signer, now)
                    .map_err(|why| format!("signed by {fingerprint}, but {why}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keygen_writes_a_private_key_only_its_owner_reads_and_never_overwrites() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        let made = keygen(&path, "test").unwrap();
        assert!(made.fingerprint.starts_with("SHA256:"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        assert!(matches!(keygen(&path, "again"), Err(KeyError::Exists(_))));
        let key = load_private(&path).unwrap();
        assert_eq!(fingerprint(key.public_key()), made.fingerprint);
        assert_eq!(
            fingerprint(&load_public(&made.public).unwrap()),
            made.fingerprint
        );
    }

    #[test]
    fn a_signature_checks_against_its_message_and_namespace_only() {
        let dir = tempfile::tempdir().unwrap();
        keygen(&dir.path().join("k"), "t").unwrap();
        let key = load_private(&dir.path().join("k")).unwrap();
        let armored = sign(&key, b"tag manifest").unwrap();
        assert!(check(armored.as_bytes(), b"tag manifest").is_ok());
        assert!(
            check(armored.as_bytes(), b"tag manifesT")
                .unwrap_err()
                .contains("does not match")
        );
        let other = key
            .sign("file", HashAlg::Sha512, b"tag manifest")
            .unwrap()
            .to_pem(LineEnding::LF)
            .unwrap();
        assert!(
            check(other.as_bytes(), b"tag manifest")
                .unwrap_err()
                .contains("not for an auditpack bundle")
        );
    }

    #[test]
    fn trust_comes_only_from_the_key_named() {
        let dir = tempfile::tempdir().unwrap();
        let a = keygen(&dir.path().join("a"), "a").unwrap();
        let b = keygen(&dir.path().join("b"), "b").unwrap();
        let (a, b) = (
            load_public(&a.public).unwrap(),
            load_public(&b.public).unwrap(),
        );
        assert!(Trust::Key(a.clone()).admits(&a).is_ok());
        assert!(Trust::Key(a.clone()).admits(&b).is_err());
        assert!(
            Trust::Nobody
                .admits(&a)
                .unwrap_err()
                .contains("never vouches for itself")
        );
    }
}
