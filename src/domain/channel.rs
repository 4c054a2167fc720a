//! How a request reached the operator, which also decides how its identity documents are seen.

use crate::domain::identity::Channel;
use crate::domain::names::stable_names;

/// The way a request arrived: through the portal, or on paper typed in by staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestChannel {
    /// Through the portal.
    Online,
    /// 郵送.
    Post,
    /// 窓口: handed in at the counter, where documents are shown in person.
    Counter,
    /// 電子メール.
    Email,
}

stable_names!(RequestChannel, "request channel", {
    Online => "online",
    Post => "post",
    Counter => "counter",
    Email => "email",
});

impl RequestChannel {
    /// The channels staff enter a request from paper for (online requests come through the
    /// portal itself).
    pub const ON_PAPER: [RequestChannel; 3] = [
        RequestChannel::Post,
        RequestChannel::Counter,
        RequestChannel::Email,
    ];

    /// How identity documents reach the operator on this channel: shown at the counter, or as
    /// copies and uploads.
    pub fn documents_arrive(self) -> Channel {
        match self {
            RequestChannel::Counter => Channel::InPerson,
            RequestChannel::Online | RequestChannel::Post | RequestChannel::Email => {
                Channel::Remote
            }
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            RequestChannel::Online => "オンライン",
            RequestChannel::Post => "郵送",
            RequestChannel::Counter => "窓口",
            RequestChannel::Email => "電子メール",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            RequestChannel::Online => "online",
            RequestChannel::Post => "post",
            RequestChannel::Counter => "counter",
            RequestChannel::Email => "e-mail",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_counter_sees_documents_in_person() {
        for channel in RequestChannel::ALL {
            assert_eq!(
                channel.documents_arrive() == Channel::InPerson,
                *channel == RequestChannel::Counter
            );
        }
    }
}
