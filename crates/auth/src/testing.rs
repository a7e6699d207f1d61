//! In-memory fakes of the session component and the user store for the endpoints'
//! native unit tests.

use std::cell::RefCell;

use spinstack_auth_rules::origin::TrustedOrigins;
use spinstack_sessions::{
    Creation, Outcome, ResolvedSession, Session, SessionError, SessionManager, SessionRequest,
    SessionResolver, SessionWithUser, SignUpUser, User,
};

use crate::context::AuthContext;
use crate::store::{Account, Credential, StoreError, UserStore};

pub const NOW: i64 = 1_800_000_000_000;

/// Sessions in memory; `resolve` answers with the session whose token is the whole
/// `Cookie` header (tests do not sign cookies: the session component does that).
#[derive(Default)]
pub struct FakeSessions {
    pub sessions: RefCell<Vec<SessionWithUser>>,
    pub created: RefCell<Vec<(SessionRequest, Option<String>)>>,
    pub fail: bool,
}

impl SessionResolver for FakeSessions {
    fn resolve(&self, cookie: Option<&str>, _: bool) -> Result<ResolvedSession, SessionError> {
        if self.fail {
            return Err("database down at 10.0.0.1".into());
        }
        let found = self
            .sessions
            .borrow()
            .iter()
            .find(|s| Some(s.session.token.as_str()) == cookie)
            .cloned();
        Ok(ResolvedSession {
            outcome: found.map_or(Outcome::Anonymous, |s| Outcome::SignedIn(Box::new(s))),
            set_cookies: Vec::new(),
        })
    }
}

impl SessionManager for FakeSessions {
    fn create(
        &self,
        request: &SessionRequest,
        new_user: Option<&SignUpUser>,
    ) -> Result<Creation, SessionError> {
        self.created
            .borrow_mut()
            .push((request.clone(), new_user.map(|u| u.email.clone())));
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
    fn reissue(&self, token: &str, _: Option<&str>) -> Result<Vec<String>, SessionError> {
        Ok(vec![format!("session={token}")])
    }
    fn revoke(&self, _: &str, token: &str) -> Result<(), SessionError> {
        self.sessions
            .borrow_mut()
            .retain(|s| s.session.token != token);
        Ok(())
    }
    fn revoke_all(&self, user_id: &str, except: Option<&str>) -> Result<(), SessionError> {
        self.sessions
            .borrow_mut()
            .retain(|s| s.user.id != user_id || Some(s.session.token.as_str()) == except);
        Ok(())
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
}

/// Users in memory.
#[derive(Default)]
pub struct FakeUsers {
    pub users: RefCell<Vec<Credential>>,
}

impl UserStore for FakeUsers {
    fn credential_by_email(&self, email: &str) -> Result<Option<Credential>, StoreError> {
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.email == email)
            .cloned())
    }
    fn email_taken(&self, email: &str) -> Result<bool, StoreError> {
        Ok(self.users.borrow().iter().any(|c| c.user.email == email))
    }
    fn credential_of(&self, user_id: &str) -> Result<Option<(String, Option<String>)>, StoreError> {
        Ok(self
            .users
            .borrow()
            .iter()
            .find(|c| c.user.id == user_id)
            .and_then(|c| Some((c.account_id.clone()?, c.password_hash.clone()))))
    }
    fn accounts_of(&self, _: &str) -> Result<Vec<Account>, StoreError> {
        Ok(Vec::new())
    }
    fn update_user(
        &self,
        user_id: &str,
        name: Option<&str>,
        _: Option<Option<&str>>,
        _: i64,
    ) -> Result<(), StoreError> {
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

pub fn context<'a>(sessions: &'a FakeSessions, users: &'a FakeUsers) -> AuthContext<'a> {
    AuthContext {
        trusted: TrustedOrigins::new(
            "http://localhost:3000",
            ["http://localhost:3001".to_owned()],
        ),
        sessions,
        users,
        now_ms: NOW,
    }
}
