//! Who is calling: the identity the transport vouches for. Every tool call carries one, so
//! that credentials, policy and audit decide per caller.

/// The caller of a tool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The user running the stdio server; AWS credentials come from the local chain.
    Local,
    /// An authenticated remote caller (`issuer`, `subject`), on the HTTP transport.
    Remote { issuer: String, subject: String },
}

impl Principal {
    /// A short label for logs and audit rows (`local`, or `subject@issuer`).
    pub fn label(&self) -> String {
        match self {
            Principal::Local => "local".to_string(),
            Principal::Remote { issuer, subject } => format!("{subject}@{issuer}"),
        }
    }
}
