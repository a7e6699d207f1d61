//! `healthCheck`: public, no input, answers `"OK"` (the web's "Connected" badge).

use crate::context::Context;
use crate::error::ApiError;
use crate::procedure::NoInput;

pub(crate) fn health_check(_ctx: &Context<'_>, _: NoInput) -> Result<&'static str, ApiError> {
    Ok("OK")
}
