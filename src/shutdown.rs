//! The signals that end work early (SIGINT, SIGTERM), caught only from the moment
//! work may touch an agent (before that, the default ends the process at once), and
//! turned into a `CancellationToken` that any number of waiters can share: a task's
//! race, a batch's lanes, a wait for a busy agent. Which signal came is kept, for the
//! exit code (130 or 143) and the words.

use std::sync::{Arc, OnceLock};

use tokio_util::sync::CancellationToken;

/// A signal that ends work early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Interrupt,
    Terminate,
}

impl Signal {
    pub fn name(self) -> &'static str {
        match self {
            Signal::Interrupt => "SIGINT",
            Signal::Terminate => "SIGTERM",
        }
    }
}

/// SIGINT and SIGTERM caught while this lives: the first one cancels [`Shutdown::token`].
pub struct Shutdown {
    token: CancellationToken,
    caught: Arc<OnceLock<Signal>>,
    listener: tokio::task::JoinHandle<()>,
}

impl Shutdown {
    /// Catch the signals from now on. Must be called inside the runtime; the handlers
    /// are installed before this returns, so nothing sent after it is missed.
    pub fn listen() -> Self {
        let token = CancellationToken::new();
        let caught = Arc::new(OnceLock::new());
        // The handlers are registered here, not in the spawned task: a task runs only
        // when the runtime next polls it, and a signal sent before that (a waiting line
        // already on stderr) would have ended the process with the default action.
        let listener = tokio::spawn(listen(handlers(), token.clone(), caught.clone()));
        Self { token, caught, listener }
    }

    /// The token the first signal cancels, for waiters elsewhere.
    pub fn token(&self) -> CancellationToken {
        self.token.clone()
    }

    /// Wait for the first signal; the one that came. Once one has come, this returns
    /// at once: wait on it once, not in a loop.
    pub async fn recv(&self) -> Signal {
        self.token.cancelled().await;
        self.caught.get().copied().unwrap_or(Signal::Interrupt)
    }
}

impl Drop for Shutdown {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

#[cfg(unix)]
type Handlers = Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>;
#[cfg(not(unix))]
type Handlers = ();

/// SIGINT's and SIGTERM's handlers, installed now (`None` if the OS refused them).
#[cfg(unix)]
fn handlers() -> Handlers {
    use tokio::signal::unix::{SignalKind, signal};
    match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
        (Ok(interrupt), Ok(terminate)) => Some((interrupt, terminate)),
        _ => None,
    }
}

#[cfg(not(unix))]
fn handlers() -> Handlers {}

#[cfg(unix)]
async fn listen(handlers: Handlers, token: CancellationToken, caught: Arc<OnceLock<Signal>>) {
    let Some((mut interrupt, mut terminate)) = handlers else {
        return;
    };
    let came = tokio::select! {
        _ = interrupt.recv() => Signal::Interrupt,
        _ = terminate.recv() => Signal::Terminate,
    };
    let _ = caught.set(came);
    token.cancel();
}

#[cfg(not(unix))]
async fn listen((): Handlers, token: CancellationToken, caught: Arc<OnceLock<Signal>>) {
    if tokio::signal::ctrl_c().await.is_ok() {
        let _ = caught.set(Signal::Interrupt);
        token.cancel();
    }
}
