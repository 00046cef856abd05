//! Tool servers over the Model Context Protocol, as agentry's agents use them: the
//! `[mcp.NAME]` tables ([`spec`]), one session with one server ([`client`], on the
//! official `rmcp` SDK) and the tools a task is offered and calls ([`toolbox`]).
//! Below the worker, beside `provider`: nothing here knows agents, tasks or the state.
//! `agentry mcp serve` (agentry as a server) lives with the commands, above the manager.

pub mod client;
pub mod spec;
pub mod toolbox;

pub use client::{McpError, StartOptions};
pub use spec::{Reach, ServerSpec};
pub use toolbox::{ToolFilter, ToolOutput, Toolbox};
