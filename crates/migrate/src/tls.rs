//! TLS for the `spinstack-migrate` command, with libpq's meanings of `sslmode` (what
//! `psql` and drizzle-kit's `pg` do with the same URL), so that a hosted database's
//! connection string works as it is:
//!
//! - `disable`: no TLS;
//! - `prefer` (the default) and `require`: TLS when the server offers it (`require`:
//!   or fail), encrypting without authenticating the server — libpq's behaviour, and
//!   what lets a local server's self-signed certificate pass;
//! - `verify-full` (and `verify-ca`, checked as strictly): TLS with the certificate
//!   chain verified against the Mozilla roots (`webpki-roots`) and the host name.
//!
//! tokio-postgres itself parses only `disable`, `prefer` and `require`, so the verifying
//! modes are read here and handed to it as `require`. The handshake uses rustls with
//! the `ring` provider; `channel_binding` works as tokio-postgres implements it.

use std::str::FromStr as _;
use std::sync::Arc;

use anyhow::Context as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::Config;
use tokio_postgres_rustls::MakeRustlsConnect;

/// Whether the server's certificate is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    /// Encrypt only (`prefer`, `require`).
    EncryptOnly,
    /// Chain and host name (`verify-ca`, `verify-full`).
    Full,
}

/// The connection settings of `url` (a URL or a `key=value` string), and how the
/// server's certificate is to be checked.
///
/// # Errors
/// When tokio-postgres cannot parse the settings.
pub fn parse(url: &str) -> anyhow::Result<(Config, Verification)> {
    let mut verification = Verification::EncryptOnly;
    let mut settings = url.to_owned();
    for mode in ["sslmode=verify-full", "sslmode=verify-ca"] {
        if settings.contains(mode) {
            settings = settings.replace(mode, "sslmode=require");
            verification = Verification::Full;
        }
    }
    let config = Config::from_str(&settings).context("invalid database URL")?;
    Ok((config, verification))
}

/// The TLS connector for `verification`.
///
/// # Errors
/// When rustls refuses its own default protocol versions with the ring provider
/// (which does not happen with the versions this crate is built with).
pub fn connector(verification: Verification) -> anyhow::Result<MakeRustlsConnect> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .context("configuring TLS")?;
    let config = match verification {
        Verification::Full => {
            let roots = RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            };
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        Verification::EncryptOnly => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(EncryptOnly {
                algorithms: provider.signature_verification_algorithms,
            }))
            .with_no_client_auth(),
    };
    Ok(MakeRustlsConnect::new(config))
}

/// libpq's `sslmode=require` without a root certificate: any server certificate is
/// accepted, but the handshake's signatures are still checked (by rustls, with the
/// provider's algorithms), so the session is encrypted end to end with whoever
/// presented it.
#[derive(Debug)]
struct EncryptOnly {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for EncryptOnly {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_postgres::config::SslMode;

    #[test]
    fn sslmodes_as_libpq_reads_them() -> anyhow::Result<()> {
        let mode = |url: &str| parse(url).map(|(c, v)| (c.get_ssl_mode(), v));
        assert_eq!(
            mode("postgres://u@h/db")?,
            (SslMode::Prefer, Verification::EncryptOnly)
        );
        assert_eq!(
            mode("postgres://u@h/db?sslmode=disable")?,
            (SslMode::Disable, Verification::EncryptOnly)
        );
        assert_eq!(
            mode("postgres://u:p@ep-x.neon.tech/db?sslmode=require&channel_binding=require")?,
            (SslMode::Require, Verification::EncryptOnly)
        );
        assert_eq!(
            mode("postgres://u@h/db?sslmode=verify-full")?,
            (SslMode::Require, Verification::Full)
        );
        assert_eq!(
            mode("host=h dbname=db sslmode=verify-ca")?,
            (SslMode::Require, Verification::Full)
        );
        assert!(parse("postgres://u@h/db?sslmode=sometimes").is_err());
        Ok(())
    }
}
