//! `Set-Cookie` lines with better-call's attribute order (spec §3.2): `name=value`,
//! `Max-Age`, `Path=/`, `HttpOnly`, `Secure`, `SameSite=None` — the template's
//! `defaultCookieAttributes` apply to every auth cookie.

use std::fmt;

/// One auth cookie to set or clear.
#[derive(Clone, PartialEq, Eq)]
pub struct SetCookie {
    /// Full cookie name, prefix included.
    pub name: String,
    /// Already-encoded value (empty when clearing).
    pub value: String,
    /// `Max-Age` in seconds; `None` makes a browser-session cookie.
    pub max_age: Option<u64>,
}

impl SetCookie {
    /// A cookie that expires `name` at once (`Max-Age=0`, empty value).
    pub fn clear(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: String::new(),
            max_age: Some(0),
        }
    }
}

impl fmt::Display for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        if let Some(max_age) = self.max_age {
            write!(f, "; Max-Age={max_age}")?;
        }
        f.write_str("; Path=/; HttpOnly; Secure; SameSite=None")
    }
}

// Values are signed session tokens: keep them out of debug logs.
impl fmt::Debug for SetCookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetCookie")
            .field("name", &self.name)
            .field("value", &"<redacted>")
            .field("max_age", &self.max_age)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_session_cookie() {
        let cookie = SetCookie {
            name: "better-auth.session_token".into(),
            value: "t.s%3D".into(),
            max_age: Some(604_800),
        };
        assert_eq!(
            cookie.to_string(),
            "better-auth.session_token=t.s%3D; Max-Age=604800; Path=/; HttpOnly; Secure; SameSite=None"
        );
    }

    #[test]
    fn browser_session_cookie_has_no_max_age() {
        let cookie = SetCookie {
            name: "better-auth.dont_remember".into(),
            value: "true.x".into(),
            max_age: None,
        };
        assert_eq!(
            cookie.to_string(),
            "better-auth.dont_remember=true.x; Path=/; HttpOnly; Secure; SameSite=None"
        );
    }

    #[test]
    fn clearing_cookie() {
        assert_eq!(
            SetCookie::clear("better-auth.session_data").to_string(),
            "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=None"
        );
    }

    #[test]
    fn debug_redacts_value() {
        let cookie = SetCookie {
            name: "n".into(),
            value: "secret".into(),
            max_age: None,
        };
        assert!(!format!("{cookie:?}").contains("secret"));
        assert_eq!(
            format!("{cookie:?}"),
            r#"SetCookie { name: "n", value: "<redacted>", max_age: None }"#
        );
    }
}
