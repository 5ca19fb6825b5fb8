//! Asking the user of the client to confirm a call, with MCP elicitation (`elicitation/create`,
//! a form with one boolean), when the client declared the capability at `initialize`.

use std::time::Duration;

use rmcp::model::{ElicitRequestParams, ElicitationAction, ElicitationSchema};
use rmcp::service::{Peer, RoleServer};
use serde_json::json;

use crate::credentials::BoxFuture;
use crate::tools::context::{Answer, Asker};

/// The form's one field: the user ticks it to confirm.
const FIELD: &str = "confirm";

/// Asks through the client at the other end of `peer`.
#[derive(Debug, Clone)]
pub struct PeerAsker {
    peer: Peer<RoleServer>,
}

impl PeerAsker {
    /// An asker when the client declared form elicitation, else `None`.
    pub fn for_peer(peer: &Peer<RoleServer>) -> Option<PeerAsker> {
        let info = peer.peer_info()?;
        info.capabilities.elicitation.as_ref()?;
        Some(PeerAsker { peer: peer.clone() })
    }
}

fn schema() -> Option<ElicitationSchema> {
    serde_json::from_value(json!({
        "type": "object",
        "properties": {
            FIELD: {
                "type": "boolean",
                "title": "Run this AWS call",
                "description": "Tick to confirm; leave unticked or decline to refuse.",
                "default": false
            }
        },
        "required": [FIELD]
    }))
    .ok()
}

impl Asker for PeerAsker {
    fn confirm<'a>(&'a self, message: String, timeout: Duration) -> BoxFuture<'a, Answer> {
        Box::pin(async move {
            let Some(requested_schema) = schema() else {
                return Answer::Failed("the confirmation form could not be built".into());
            };
            let params = ElicitRequestParams::FormElicitationParams {
                meta: None,
                message,
                requested_schema,
            };
            match tokio::time::timeout(timeout, self.peer.create_elicitation(params)).await {
                Err(_) => Answer::TimedOut,
                Ok(Err(e)) => Answer::Failed(e.to_string()),
                Ok(Ok(result)) => match result.action {
                    ElicitationAction::Accept => {
                        let ticked = result
                            .content
                            .as_ref()
                            .and_then(|c| c.get(FIELD))
                            .and_then(serde_json::Value::as_bool)
                            .unwrap_or(false);
                        if ticked {
                            Answer::Accepted
                        } else {
                            Answer::Declined
                        }
                    }
                    ElicitationAction::Decline => Answer::Declined,
                    _ => Answer::Cancelled,
                },
            }
        })
    }
}
