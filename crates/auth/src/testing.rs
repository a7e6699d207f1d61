//! In-memory fakes of the session component, the user store and the verification
//! store for the endpoints' native unit tests.

use std::cell::{Cell, RefCell};

use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_http::Request;
use spinstack_sessions::{
    Creation, Lookup, Outcome, Owner, ResolvedSession, Session, SessionError, SessionManager,
    SessionRequest, SessionResolver, SessionWithUser, User,
};

use crate::context::AuthContext;
use crate::store::{
    Account, Credential, EmailChange, StoreError, UserStore, Verification, VerificationStore,
};

pub const NOW: i64 = 1_800_000_000_000;

/// The secret the fake session component verifies tokens with.
pub const SECRET: &str = "unit-test-secret-0123456789abcdefghij";

/// Sessions in memory; `resolve` answers with the session whose token is the whole
/// `Cookie` header (tests do not sign cookies: the session component does that),
/// handing back `resolve_cookies` (a refresh, say) — or, with `refresh_failed`, the
/// lost-row outcome with the clearing cookies.
#[derive(Default)]
pub struct FakeSessions {
    pub sessions: RefCell<Vec<SessionWithUser>>,
    pub created: RefCell<Vec<(SessionRequest, Option<String>)>>,
    pub resolve_cookies: Vec<String>,
    pub refresh_failed: bool,
    pub last_disable_refresh: Cell<Option<bool>>,
    pub last_disable_cookie_cache: Cell<Option<bool>>,
    /// What `reissue` was handed, in order.
    pub reissued: RefCell<Vec<SessionWithUser>>,
    pub fail: bool,
}

impl SessionResolver for FakeSessions {
    fn resolve(
        &self,
        cookie: Option<&str>,
        lookup: Lookup,
    ) -> Result<ResolvedSession, SessionError> {
        self.last_disable_refresh.set(Some(lookup.disable_refresh));
        self.last_disable_cookie_cache
            .set(Some(lookup.disable_cookie_cache));
        if self.fail {
            return Err("database down at 10.0.0.1".into());
        }
        if self.refresh_failed {
            return Ok(ResolvedSession {
                outcome: Outcome::RefreshFailed,
                set_cookies: vec!["session=; Max-Age=0".into()],
            });
        }
        let found = self
            .sessions
            .borrow()
            .iter()
            .find(|s| Some(s.session.token.as_str()) == cookie)
            .cloned();
        Ok(ResolvedSession {
            outcome: found.map_or(Outcome::Anonymous, |s| Outcome::SignedIn(Box::new(s))),
            set_cookies: self.resolve_cookies.clone(),
        })
    }
}

impl FakeSessions {
    /// The fake's clearing sequence when `own` (the caller's session was deleted).
    fn cleared_if(own: bool) -> Vec<String> {
        if own {
            vec!["session=; Max-Age=0".into()]
        } else {
            Vec::new()
        }
    }

    /// Signs `user` in with session token `token`, created at `created_at`.
    pub fn sign_in(&self, user: &User, token: &str, created_at: i64) {
        self.sessions.borrow_mut().push(SessionWithUser {
            session: Session {
                id: format!("id-{token}"),
                token: token.to_owned(),
                user_id: user.id.clone(),
                expires_at: NOW + 86_400_000,
                created_at,
                updated_at: created_at,
                ip_address: Some(String::new()),
                user_agent: Some(String::new()),
            },
            user: user.clone(),
        });
    }
}

impl SessionManager for FakeSessions {
    fn create(&self, request: &SessionRequest, owner: Owner<'_>) -> Result<Creation, SessionError> {
        let new_user = match owner {
            Owner::New(user) => Some(user.email.clone()),
            Owner::Existing(user) => {
                assert_eq!(user.id, request.user_id, "the owner is the session's user");
                None
            }
        };
        self.created.borrow_mut().push((request.clone(), new_user));
        let session = Session {
            id: "s".repeat(32),
            token: format!("token{}", self.created.borrow().len()),
            user_id: request.user_id.clone(),
            expires_at: NOW + 1,
            created_at: NOW,
            updated_at: NOW,
            ip_address: request.ip_address.clone(),
            user_agent: request.user_agent.clone(),
        };
        Ok(Creation::Created(
            Box::new(session),
            vec!["session=set".into()],
        ))
    }
    fn end(&self, _: Option<&str>) -> Result<Vec<String>, SessionError> {
        Ok(vec!["session=; Max-Age=0".into()])
    }
    fn reissue(
        &self,
        live: &SessionWithUser,
        _: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        self.reissued.borrow_mut().push(live.clone());
        Ok(vec![format!("session={}", live.session.token)])
    }
    fn revoke(
        &self,
        user_id: &str,
        token: &str,
        cookie: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        self.sessions
            .borrow_mut()
            .retain(|s| s.session.token != token || s.user.id != user_id);
        Ok(Self::cleared_if(cookie == Some(token)))
    }
    fn revoke_all(
        &self,
        user_id: &str,
        except: Option<&str>,
        cookie: Option<&str>,
    ) -> Result<Vec<String>, SessionError> {
        let own = cookie.is_some_and(|cookie| {
            self.sessions
                .borrow()
                .iter()
                .any(|s| s.session.token == cookie && s.user.id == user_id)
        });
        self.sessions
            .borrow_mut()
            .retain(|s| s.user.id != user_id || Some(s.session.token.as_str()) == except);
        Ok(Self::cleared_if(own && cookie != except))
    }
    fn list(&self, user_id: &str) -> Result<Vec<Session>, SessionError> {
        Ok(self
            .sessions
            .borrow()
            .iter()
            .filter(|s| s.user.id == user_id)
            .map(|s| s.session.clone())
            .collect())
    }
    fn verify_token(&self, token: &str) -> Result<Option<String>, SessionError> {
        Ok(spinstack_sessions::jws::verify_hs256(SECRET, token))
    }
}

/// Users and accounts in memory; `fail` makes every call fail.
#[derive(Default)]
pub struct FakeUsers {
    pub users: RefCell<Vec<Credential>>,
    pub accounts: RefCell<Vec<Account>>,
    pub fail: bool,
}

impl FakeUsers {
    fn check(&self) -> Result<(), StoreError> {
        if self.fail {
            Err("connection refused at 10.0.0.1".into())
        } else {
            Ok(())
        }
    }
}

impl UserStore for FakeUsers {
    fn user_by_id(&self, user_id: &str) -> Result<Option<User>, StoreError> {
        self.check()?;
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.id == user_id)
            .map(|c| c.user.clone()))
    }
    fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        self.check()?;
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.email == email)
            .map(|c| c.user.clone()))
    }
    fn credential_by_email(&self, email: &str) -> Result<Option<Credential>, StoreError> {
        self.check()?;
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.email == email)
            .cloned())
    }
    fn email_taken(&self, email: &str) -> Result<bool, StoreError> {
        self.check()?;
        Ok(self.users.borrow().iter().any(|c| c.user.email == email))
    }
    fn credential_of(&self, user_id: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        self.check()?;
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.id == user_id)
            .and_then(|c| Some((c.account_id.clone()?, c.password_hash.clone()))))
    }
    fn accounts_of(&self, user_id: &str) -> Result<Vec<Account>, StoreError> {
        self.check()?;
        Ok(self
            .accounts
            .borrow()
            .iter()
            .filter(|a| a.user_id == user_id)
            .cloned()
            .collect())
    }
    fn update_user(
        &self,
        user_id: &str,
        name: Option<&str>,
        _: Option<Option<&str>>,
        _: i64,
    ) -> Result<(), StoreError> {
        self.check()?;
        for c in self
            .users
            .borrow_mut()
            .iter_mut()
            .filter(|c| c.user.id == user_id)
        {
            if let Some(name) = name {
                c.user.name = name.to_owned();
            }
        }
        Ok(())
    }
    fn set_password_hash(&self, account_id: &str, hash: &str, _: i64) -> Result<(), StoreError> {
        self.check()?;
        for c in self
            .users
            .borrow_mut()
            .iter_mut()
            .filter(|c| c.account_id.as_deref() == Some(account_id))
        {
            c.password_hash = Some(hash.to_owned());
        }
        Ok(())
    }
    fn set_or_create_credential(
        &self,
        user_id: &str,
        new_account_id: &str,
        hash: &str,
        _: i64,
    ) -> Result<(), StoreError> {
        self.check()?;
        for c in self
            .users
            .borrow_mut()
            .iter_mut()
            .filter(|c| c.user.id == user_id)
        {
            c.account_id
                .get_or_insert_with(|| new_account_id.to_owned());
            c.password_hash = Some(hash.to_owned());
        }
        Ok(())
    }
    fn update_user_by_email(
        &self,
        email: &str,
        change: EmailChange<'_>,
        now_ms: i64,
    ) -> Result<Option<User>, StoreError> {
        self.check()?;
        let mut users = self.users.borrow_mut();
        let Some(c) = users.iter_mut().find(|c| c.user.email == email) else {
            return Ok(None);
        };
        if let Some(new_email) = change.new_email {
            c.user.email = new_email.to_owned();
        }
        c.user.email_verified = change.email_verified;
        c.user.updated_at = now_ms;
        Ok(Some(c.user.clone()))
    }
    fn delete_account(&self, id: &str) -> Result<(), StoreError> {
        self.check()?;
        self.accounts.borrow_mut().retain(|a| a.id != id);
        Ok(())
    }
}

/// Verification rows in memory, oldest first: `(identifier, row)`.
#[derive(Default)]
pub struct FakeVerifications {
    pub rows: RefCell<Vec<(String, Verification)>>,
    pub fail: bool,
}

impl FakeVerifications {
    pub fn insert(&self, identifier: &str, value: &str, expires_at: i64) {
        self.rows.borrow_mut().push((
            identifier.to_owned(),
            Verification {
                value: value.to_owned(),
                expires_at,
            },
        ));
    }
}

impl VerificationStore for FakeVerifications {
    fn find_verification(
        &self,
        identifier: &str,
        now_ms: i64,
    ) -> Result<Option<Verification>, StoreError> {
        if self.fail {
            return Err("relation \"verification\" does not exist".into());
        }
        let found = self
            .rows
            .borrow()
            .iter()
            .rev()
            .find(|(id, _)| id == identifier)
            .map(|(_, row)| row.clone());
        self.rows
            .borrow_mut()
            .retain(|(_, row)| row.expires_at >= now_ms);
        Ok(found)
    }
    fn consume_verification(&self, identifier: &str) -> Result<Option<Verification>, StoreError> {
        if self.fail {
            return Err("relation \"verification\" does not exist".into());
        }
        let found = self
            .rows
            .borrow()
            .iter()
            .rev()
            .find(|(id, _)| id == identifier)
            .map(|(_, row)| row.clone());
        self.rows.borrow_mut().retain(|(id, _)| id != identifier);
        Ok(found)
    }
}

/// A stored account row.
pub fn account(id: &str, provider_id: &str, user_id: &str, scope: Option<&str>) -> Account {
    Account {
        id: id.into(),
        account_id: user_id.into(),
        provider_id: provider_id.into(),
        user_id: user_id.into(),
        scope: scope.map(str::to_owned),
        created_at: NOW,
        updated_at: NOW,
    }
}

/// A request of a signed-in caller whose cookie is the session token `tok` (as
/// [`FakeSessions::sign_in`] is given it); a `POST` also carries the web's trusted
/// Origin and `body` as JSON, as the browser sends it.
pub fn signed_in(method: &str, path: &str, body: &str) -> Request {
    let request = Request::new(method, path).with_header("cookie", "tok");
    if method != "POST" {
        return request;
    }
    request
        .with_header("origin", "http://localhost:3001")
        .with_header("content-type", "application/json")
        .with_body(body.to_owned())
}

/// Status, body text and `Set-Cookie` lines of a response.
pub fn outcome(response: &spinstack_http::Response) -> (u16, String, Vec<&str>) {
    (
        response.status,
        String::from_utf8_lossy(&response.body).into_owned(),
        response
            .headers
            .iter()
            .filter(|(name, _)| name == "set-cookie")
            .map(|(_, value)| value.as_str())
            .collect(),
    )
}

pub fn user(id: &str, email: &str) -> User {
    User {
        id: id.into(),
        name: "Alice".into(),
        email: email.into(),
        email_verified: false,
        image: None,
        created_at: NOW,
        updated_at: NOW,
    }
}

/// A context without verification rows.
pub fn context<'a>(sessions: &'a FakeSessions, users: &'a FakeUsers) -> AuthContext<'a> {
    // Tests are short-lived: leaking one empty store each keeps the signature simple.
    context_with(sessions, users, Box::leak(Box::default()))
}

pub fn context_with<'a>(
    sessions: &'a FakeSessions,
    users: &'a FakeUsers,
    verifications: &'a FakeVerifications,
) -> AuthContext<'a> {
    AuthContext {
        trusted: TrustedOrigins::new(
            "http://localhost:3000",
            ["http://localhost:3001".to_owned()],
        ),
        base_url: "http://localhost:3000/api/auth".to_owned(),
        production: false,
        client_ip: spinstack_config::ClientIpSource::Peer,
        sessions,
        users,
        verifications,
        rate_limit: None,
        now_ms: NOW,
    }
}
