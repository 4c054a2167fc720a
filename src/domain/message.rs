//! Messages on a case: between the requester and the help desk, or notes the requester never sees.

use crate::domain::names::stable_names;

/// Who a message on a case is between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageDirection {
    /// From the help desk, shown on the requester's page (and mailed).
    ToRequester,
    /// From the requester's page.
    FromRequester,
    /// A note among staff; never shown to the requester.
    Internal,
}

stable_names!(MessageDirection, "message direction", {
    ToRequester => "to_requester",
    FromRequester => "from_requester",
    Internal => "internal",
});
