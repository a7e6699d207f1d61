//! The variables the session logic needs: the signing secret, the base URL (which
//! decides the `__Secure-` cookie prefix), `node_env` and the database URL.

use spinstack_config::{Config, ConfigError, NodeEnv};
use spinstack_cookies::CookieNames;
use spinstack_sessions::SessionKeys;

/// What `resolve` needs from configuration.
pub struct Settings {
    pub keys: SessionKeys,
    pub database_url: String,
}

/// Reads and validates the settings from Spin variables.
pub fn load() -> Result<Settings, ConfigError> {
    let config = Config::new(&spinstack_glue::variable);
    let secret = config.better_auth_secret()?;
    let base_url = config.better_auth_url()?;
    let production = config.node_env()? == NodeEnv::Production;
    Ok(Settings {
        keys: SessionKeys {
            secret,
            names: CookieNames::for_base_url(Some(&base_url), production),
        },
        database_url: config.database_url()?,
    })
}
